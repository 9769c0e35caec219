/**
 * Runs a checked state machine definition: one state after another from StartAt, each
 * with its input/output processing, Retry and Catch, until a Succeed, a Fail or an End.
 * Task states hand their resource and parameters to a TaskRunner (the local services);
 * Parallel and Map run their branches and iterations concurrently. Every step is
 * reported as an execution history event, named and shaped as GetExecutionHistory shows
 * them. An execution stops when its signal aborts (StopExecution) or its TimeoutSeconds
 * passes.
 */
import { isTimestamp, evaluateRule } from "./choice.js";
import type { Machine, StateDef } from "./definition.js";
import { isDistributed, runDistributedMap, type DistributedMapHost } from "./distributed-map.js";
import { assignAndOutput, evaluateField, Variables } from "./jsonata.js";
import { errorMatches, runtimeError, StatesError } from "./errors.js";
import { read } from "./json-path.js";
import { applyResultPath, applyTemplate, resolveDynamic, selectPath } from "./payload.js";

export interface ContextObject {
  Execution: { Id: string; Input: unknown; Name: string; RoleArn: string; StartTime: string; RedriveCount: number };
  StateMachine: { Id: string; Name: string };
  State?: { Name: string; EnteredTime: string; RetryCount: number };
  Task?: { Token: string };
  Map?: { Item: { Index: number; Value: unknown } };
}

/** What a Task state asks its runner to do. */
export interface TaskRequest {
  resource: string;
  parameters: unknown;
  stateName: string;
  context: ContextObject;
  /** Aborts when the state times out, the execution stops, or a sibling branch fails. */
  signal: AbortSignal;
  /** Resets the heartbeat timer (SendTaskHeartbeat). */
  heartbeat(): void;
  /** The Task's `Credentials.RoleArn` (or its path's value): the role the call runs as instead of the machine's. */
  credentialsRoleArn?: string;
  /** Records a history event of the task (TaskSubmitted …). */
  record(type: string, detailsKey: string, details: Record<string, unknown>): void;
}

export interface TaskRunner {
  run(task: TaskRequest): Promise<unknown>;
}

export interface HistoryRecorder {
  (type: string, detailsKey?: string, details?: Record<string, unknown>): void;
}

export interface InterpreterOptions {
  tasks: TaskRunner;
  record: HistoryRecorder;
  /** Before each top-level state starts: where a restarted execution resumes (with the workflow's variables then); `afterWork` when the state before it was a Task, Parallel or Map. */
  checkpoint?(stateName: string, input: unknown, afterWork: boolean, variables: Record<string, unknown>): void;
  /** Scales every wait (Wait states, retry intervals): 1 in the service, less in tests. */
  timeScale?: number;
  /** S3 and map runs for distributed Map states (without it, such a state fails naming what it lacks). */
  distributedMap?: DistributedMapHost;
  /** TestState: an error a Retry clause would retry ends the state as Retriable instead of waiting and retrying. */
  retriesAsOutcome?: boolean;
}

/** TestState's RETRIABLE outcome: the error a Retry clause matched. */
export class Retriable extends Error {
  constructor(readonly failure: StatesError) {
    super(failure.message);
  }
}

/** The variables a set of states sees, and the query language its states default to. */
interface Scope {
  vars: Variables;
  language: "JSONPath" | "JSONata";
}

/** One state run alone: where it goes next, its output, and the error its Catch caught. */
export interface StateStep {
  next?: string;
  output: unknown;
  caught?: StatesError;
}

export type Outcome =
  | { status: "SUCCEEDED"; output: unknown }
  | { status: "FAILED" | "TIMED_OUT"; error: string; cause: string }
  | { status: "ABORTED"; error?: string; cause?: string };

/** Why an execution's signal aborted: StopExecution (with its error and cause). */
export class Stopped extends Error {
  constructor(readonly error?: string, override readonly cause?: string) {
    super("execution stopped");
  }
}

const json = (v: unknown) => JSON.stringify(v ?? null);
const payloadDetails = (key: "input" | "output", v: unknown) => textDetails(key, json(v));
const textDetails = (key: "input" | "output", text: string) => ({ [key]: text, [`${key}Details`]: { truncated: false } });

/** The most a state's input or output, a task's result or an execution's input may hold: 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;

/** Whether a payload's JSON text fits Step Functions' 256 KiB (a short text fits whatever its characters). */
export function payloadFits(text: string): boolean {
  return text.length * 3 <= MAX_PAYLOAD_BYTES || Buffer.byteLength(text, "utf8") <= MAX_PAYLOAD_BYTES;
}

/** The text of a payload that fits, else States.DataLimitExceeded naming the state or task, as Step Functions words it. */
function boundedJson(v: unknown, what: string): string {
  const text = json(v);
  if (!payloadFits(text)) throw new StatesError("States.DataLimitExceeded", `The state/task '${what}' returned a result with a size exceeding the maximum number of bytes service limit.`);
  return text;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Rejects when the signal aborts, so a state stops waiting on work that ignores it. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
}

/** `arn:aws:states:::lambda:invoke.waitForTaskToken` → resourceType "lambda", resource "invoke.waitForTaskToken". */
export function splitResource(resource: string): { resourceType: string; resource: string } {
  const m = /^arn:aws[\w-]*:states:[^:]*:[^:]*:(aws-sdk:[^:]+|[^:]+):(.+)$/.exec(resource);
  if (m) return { resourceType: m[1]!, resource: m[2]! };
  const activity = /^arn:aws[\w-]*:states:[^:]*:[^:]*:activity:/.test(resource);
  return { resourceType: activity ? "activity" : "lambda", resource };
}

export class Interpreter {
  private readonly scale: number;

  constructor(private readonly machine: Machine, private readonly opts: InterpreterOptions) {
    this.scale = opts.timeScale ?? 1;
  }

  /** Runs the execution to its end; `resume` restarts it at a top-level state with that state's input. */
  async run(input: unknown, context: ContextObject, signal: AbortSignal, resume?: { state: string; input: unknown; variables?: Record<string, unknown> }): Promise<Outcome> {
    const { record } = this.opts;
    const timeout = new AbortController();
    const both = AbortSignal.any([signal, timeout.signal]);
    const timer = this.machine.TimeoutSeconds ? setTimeout(() => timeout.abort(new StatesError("States.Timeout", "")), this.machine.TimeoutSeconds * 1000 * this.scale) : undefined;
    try {
      const output = await this.runStates(this.machine, resume?.input ?? input, context, both, this.topScope(resume?.variables), true, resume?.state);
      record("ExecutionSucceeded", "executionSucceededEventDetails", payloadDetails("output", output));
      return { status: "SUCCEEDED", output };
    } catch (err) {
      if (signal.aborted) {
        const why = signal.reason instanceof Stopped ? signal.reason : new Stopped();
        record("ExecutionAborted", "executionAbortedEventDetails", compact({ error: why.error, cause: why.cause }));
        return { status: "ABORTED", error: why.error, cause: why.cause };
      }
      if (timeout.signal.aborted) {
        record("ExecutionTimedOut", "executionTimedOutEventDetails", { error: "States.Timeout", cause: "" });
        return { status: "TIMED_OUT", error: "States.Timeout", cause: "" };
      }
      const e = asStatesError(err);
      record("ExecutionFailed", "executionFailedEventDetails", { error: e.error, cause: e.cause });
      return { status: "FAILED", error: e.error, cause: e.cause };
    } finally {
      clearTimeout(timer);
    }
  }

  private topScope(variables?: Record<string, unknown>): Scope {
    return { vars: new Variables(undefined, variables), language: this.machine.QueryLanguage === "JSONata" ? "JSONata" : "JSONPath" };
  }

  /** Runs one StartAt/States set to its end and answers its output. */
  private async runStates(scope: { StartAt: string; States: Record<string, StateDef> }, input: unknown, base: ContextObject, signal: AbortSignal, where: Scope, top: boolean, startAt?: string): Promise<unknown> {
    let name = startAt ?? scope.StartAt;
    let data = input;
    let afterWork = false;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const state = scope.States[name]!;
      if (top) this.opts.checkpoint?.(name, data, afterWork, where.vars.snapshot());
      afterWork = state.Type === "Task" || state.Type === "Parallel" || state.Type === "Map";
      const context: ContextObject = { ...base, State: { Name: name, EnteredTime: new Date().toISOString(), RetryCount: 0 } };
      const { next, output } = await this.runState(name, state, data, context, signal, where);
      if (next === undefined) return output;
      name = next;
      data = output;
    }
  }

  /** Runs one state by itself (TestState): its step, or the error it ends with (Retriable when a Retry matched). */
  runSingleState(name: string, state: StateDef, input: unknown, context: ContextObject, signal: AbortSignal): Promise<StateStep> {
    return this.runState(name, state, input, { ...context, State: { Name: name, EnteredTime: new Date().toISOString(), RetryCount: 0 } }, signal, this.topScope());
  }

  private async runState(name: string, state: StateDef, rawInput: unknown, context: ContextObject, signal: AbortSignal, where: Scope): Promise<StateStep> {
    const { record } = this.opts;
    const type = state.Type as string;
    record(`${type}StateEntered`, "stateEnteredEventDetails", { name, ...payloadDetails("input", rawInput) });
    const exit = (output: unknown, next: string | undefined, text = boundedJson(output, name)) => {
      record(`${type}StateExited`, "stateExitedEventDetails", { name, ...textDetails("output", text) });
      return { next, output };
    };
    const after = () => (state.End ? undefined : (state.Next as string));
    if ((state.QueryLanguage ?? where.language) === "JSONata") return this.runJsonataState(name, state, rawInput, context, signal, { ...where, language: "JSONata" }, exit, after);
    switch (type) {
      case "Pass": {
        const effective = selectPath(rawInput, state.InputPath);
        const result = "Result" in state ? state.Result : state.Parameters !== undefined ? applyTemplate(state.Parameters, effective, context) : effective;
        return exit(selectPath(applyResultPath(rawInput, result, state.ResultPath), state.OutputPath), after());
      }
      case "Succeed":
        return exit(selectPath(selectPath(rawInput, state.InputPath), state.OutputPath), undefined);
      case "Fail": {
        const error = state.ErrorPath !== undefined ? resolveDynamic(state.ErrorPath, rawInput, context) : state.Error;
        const cause = state.CausePath !== undefined ? resolveDynamic(state.CausePath, rawInput, context) : state.Cause;
        throw new StatesError(typeof error === "string" ? error : "", typeof cause === "string" ? cause : "");
      }
      case "Choice": {
        const effective = selectPath(rawInput, state.InputPath);
        const rule = (state.Choices as Record<string, any>[]).find((r) => evaluateRule(r, effective, context));
        const next = (rule?.Next ?? state.Default) as string | undefined;
        if (next === undefined) throw new StatesError("States.NoChoiceMatched", `No Matches! (state: ${name})`);
        return exit(selectPath(effective, state.OutputPath), next);
      }
      case "Wait": {
        const effective = selectPath(rawInput, state.InputPath);
        await sleep(this.waitMs(state, effective, context) * this.scale, signal);
        return exit(selectPath(effective, state.OutputPath), after());
      }
      case "Task":
      case "Parallel":
      case "Map":
        return this.withRetryAndCatch(name, state, rawInput, context, signal, async (effective) => {
          if (type === "Task") return this.runTask(name, state, effective, context, signal);
          if (type === "Parallel") return this.runParallel(state, effective, context, signal, where);
          return this.runMap(state, effective, context, signal, where);
        }).then(({ output, next, caught, text }) => ({ ...exit(output, next ?? after(), text), caught }));
      default:
        throw runtimeError(`Unknown state type ${type}`);
    }
  }

  /** A JSONata state: Arguments in, `$states.result` out through Assign and Output (jsonata.ts). */
  private async runJsonataState(name: string, state: StateDef, rawInput: unknown, context: ContextObject, signal: AbortSignal, where: Scope,
    exit: (output: unknown, next: string | undefined, text?: string) => { next?: string; output: unknown }, after: () => string | undefined): Promise<StateStep> {
    const states = { input: rawInput, context };
    const field = (f: string) => evaluateField(state[f], states, where.vars, f);
    switch (state.Type as string) {
      case "Pass":
      case "Succeed":
        return exit(await assignAndOutput(state, states, where.vars, rawInput), state.Type === "Pass" ? after() : undefined);
      case "Fail": {
        const [error, cause] = [await field("Error"), await field("Cause")];
        throw new StatesError(typeof error === "string" ? error : "", typeof cause === "string" ? cause : "");
      }
      case "Choice": {
        for (const rule of state.Choices as Record<string, any>[]) {
          const holds = await evaluateField(rule.Condition, states, where.vars, "Condition");
          if (typeof holds !== "boolean") throw new StatesError("States.QueryEvaluationError", `The Condition of a Choice rule of state '${name}' must evaluate to a boolean, not ${json(holds)}`);
          if (holds) {
            const output = await assignAndOutput({ Assign: rule.Assign, Output: rule.Output }, states, where.vars, rawInput);
            return exit(output, rule.Next);
          }
        }
        if (state.Default === undefined) throw new StatesError("States.NoChoiceMatched", `No Matches! (state: ${name})`);
        return exit(await assignAndOutput(state, states, where.vars, rawInput), state.Default);
      }
      case "Wait": {
        const seconds = state.Seconds !== undefined ? await field("Seconds") : undefined;
        const timestamp = state.Timestamp !== undefined ? await field("Timestamp") : undefined;
        await sleep(this.waitMs(seconds !== undefined ? { Seconds: seconds } : { Timestamp: timestamp }, rawInput, context) * this.scale, signal);
        return exit(await assignAndOutput(state, states, where.vars, rawInput), after());
      }
      case "Task":
      case "Parallel":
      case "Map":
        return this.withRetryAndCatch(name, state, rawInput, context, signal, async () => {
          if (state.Type === "Map") {
            const items = state.Items !== undefined ? await field("Items") : rawInput;
            const selector = state.ItemSelector;
            return this.runMap({ ...state, ItemSelector: undefined, ItemsPath: undefined, MaxConcurrency: await field("MaxConcurrency") }, items, context, signal, where,
              selector === undefined ? undefined : (value, index, iterationContext) => evaluateField(selector, { input: rawInput, context: { ...iterationContext, Map: { Item: { Index: index, Value: value } } } }, where.vars, "ItemSelector"));
          }
          const args = state.Arguments !== undefined ? await field("Arguments") : rawInput;
          if (state.Type === "Parallel") return this.runParallel({ ...state, Parameters: undefined }, args, context, signal, where);
          const [timeout, heartbeat] = [await field("TimeoutSeconds"), await field("HeartbeatSeconds")];
          return this.runTask(name, { ...state, Parameters: undefined, TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat }, args, context, signal);
        }, where.vars).then(({ output, next, caught, text }) => ({ ...exit(output, next ?? after(), text), caught }));
      default:
        throw runtimeError(`Unknown state type ${state.Type}`);
    }
  }

  private waitMs(state: StateDef, input: unknown, context: ContextObject): number {
    if (state.Seconds !== undefined) {
      if (!Number.isInteger(state.Seconds) || state.Seconds < 0) throw runtimeError(`The Seconds field does not hold a valid integer value: ${json(state.Seconds)}`);
      return Number(state.Seconds) * 1000;
    }
    if (state.SecondsPath !== undefined) {
      const s = read(state.SecondsPath.startsWith("$$") ? context : input, state.SecondsPath.replace(/^\$\$/, "$"));
      if (!Number.isInteger(s) || (s as number) < 0) throw runtimeError(`The SecondsPath parameter does not reference a valid integer value: ${json(s)}`);
      return (s as number) * 1000;
    }
    const ts = state.Timestamp ?? read(state.TimestampPath.startsWith("$$") ? context : input, state.TimestampPath.replace(/^\$\$/, "$"));
    if (!isTimestamp(ts)) throw runtimeError(`The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${json(ts)}`);
    return Math.max(0, Date.parse(ts) - Date.now());
  }

  /**
   * Runs a Task/Parallel/Map body with its Retry clauses (each counting its own
   * attempts, waiting IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds, with
   * FULL jitter when asked), then its Catch clauses; the result goes through
   * ResultSelector, ResultPath and OutputPath.
   */
  private async withRetryAndCatch(name: string, state: StateDef, rawInput: unknown, context: ContextObject, signal: AbortSignal, body: (effective: unknown) => Promise<unknown>, jsonataVars?: Variables): Promise<{ output: unknown; next?: string; caught?: StatesError; text?: string }> {
    const attempts = new Map<number, number>();
    const inTask = state.Type === "Task";
    for (;;) {
      try {
        const effective = jsonataVars ? rawInput : selectPath(rawInput, state.InputPath);
        const result = await body(effective);
        let output: unknown;
        if (jsonataVars) output = await assignAndOutput(state, { input: rawInput, context, result }, jsonataVars, result);
        else {
          const selected = state.ResultSelector !== undefined ? applyTemplate(state.ResultSelector, result, context) : result;
          output = selectPath(applyResultPath(rawInput, selected, state.ResultPath), state.OutputPath);
        }
        // Measured here, so a Catch naming States.DataLimitExceeded can take it.
        return { output, text: boundedJson(output, name) };
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        const e = asStatesError(err);
        const retriers = (state.Retry ?? []) as Record<string, any>[];
        const at = retriers.findIndex((r) => errorMatches(r.ErrorEquals, e.error, inTask));
        if (at >= 0) {
          const r = retriers[at]!;
          const done = attempts.get(at) ?? 0;
          if (done < (r.MaxAttempts ?? 3)) {
            if (this.opts.retriesAsOutcome) throw new Retriable(e);
            attempts.set(at, done + 1);
            let delay = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, done);
            if (r.MaxDelaySeconds !== undefined) delay = Math.min(delay, r.MaxDelaySeconds);
            if (r.JitterStrategy === "FULL") delay = Math.random() * delay;
            context.State!.RetryCount = done + 1;
            await sleep(delay * 1000 * this.scale, signal);
            continue;
          }
        }
        const catcher = ((state.Catch ?? []) as Record<string, any>[]).find((c) => errorMatches(c.ErrorEquals, e.error, inTask));
        if (!catcher) throw e;
        const errorOutput = { Error: e.error, Cause: e.cause };
        const output = jsonataVars
          ? await assignAndOutput(catcher, { input: rawInput, context, errorOutput }, jsonataVars, errorOutput)
          : applyResultPath(rawInput, errorOutput, catcher.ResultPath);
        return { output, next: catcher.Next, caught: e };
      }
    }
  }

  private async runTask(name: string, state: StateDef, effective: unknown, context: ContextObject, signal: AbortSignal): Promise<unknown> {
    const { record } = this.opts;
    const resource = state.Resource as string;
    const { resourceType, resource: short } = splitResource(resource);
    const lambdaArn = resourceType === "lambda" && resource.startsWith("arn:aws:lambda:");
    const wantsToken = resource.endsWith(".waitForTaskToken") || resourceType === "activity";
    const taskContext: ContextObject = wantsToken ? { ...context, Task: { Token: newTaskToken() } } : context;
    const parameters = state.Parameters !== undefined ? applyTemplate(state.Parameters, effective, taskContext) : effective;
    const timeoutSeconds = state.TimeoutSecondsPath !== undefined ? Number(read(effective, state.TimeoutSecondsPath)) : state.TimeoutSeconds;
    const heartbeatSeconds = state.HeartbeatSecondsPath !== undefined ? Number(read(effective, state.HeartbeatSecondsPath)) : state.HeartbeatSeconds;
    const credentials = state.Credentials as { RoleArn?: string; "RoleArn.$"?: string } | undefined;
    const credentialsRoleArn = credentials?.["RoleArn.$"] !== undefined ? String(resolveDynamic(credentials["RoleArn.$"], effective, taskContext)) : credentials?.RoleArn;
    const prefix = lambdaArn ? "LambdaFunction" : "Task";
    const detailsKey = (event: string) => `${lambdaArn ? "lambdaFunction" : "task"}${event}EventDetails`;
    const facts = lambdaArn ? {} : { resourceType, resource: short };
    record(`${prefix}Scheduled`, detailsKey("Scheduled"), lambdaArn
      ? { resource, ...payloadDetails("input", parameters), ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}) }
      : { ...facts, region: /^arn:aws[\w-]*:states:([^:]*)/.exec(context.StateMachine.Id)?.[1] ?? "", parameters: json(parameters), ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}), ...(heartbeatSeconds ? { heartbeatInSeconds: heartbeatSeconds } : {}) });
    record(`${prefix}Started`, lambdaArn ? "" : detailsKey("Started"), lambdaArn ? undefined : facts);

    const limit = new AbortController();
    const taskSignal = AbortSignal.any([signal, limit.signal]);
    const timers: NodeJS.Timeout[] = [];
    if (timeoutSeconds) timers.push(setTimeout(() => limit.abort(new StatesError("States.Timeout", "")), timeoutSeconds * 1000 * this.scale));
    let heartbeatTimer: NodeJS.Timeout | undefined;
    const heartbeat = () => {
      if (!heartbeatSeconds) return;
      clearTimeout(heartbeatTimer);
      heartbeatTimer = setTimeout(() => limit.abort(new StatesError("States.HeartbeatTimeout", "")), heartbeatSeconds * 1000 * this.scale);
    };
    heartbeat();
    try {
      const result = await untilAborted(this.opts.tasks.run({ resource, parameters, stateName: name, context: taskContext, signal: taskSignal, heartbeat, record, credentialsRoleArn }), taskSignal);
      record(`${prefix}Succeeded`, detailsKey("Succeeded"), { ...facts, ...textDetails("output", boundedJson(result, resource)) });
      return result;
    } catch (err) {
      if (signal.aborted) throw err;
      const e = asStatesError(limit.signal.aborted ? limit.signal.reason : err);
      const timedOut = e.error === "States.Timeout" || e.error === "States.HeartbeatTimeout";
      record(`${prefix}${timedOut ? "TimedOut" : "Failed"}`, detailsKey(timedOut ? "TimedOut" : "Failed"), { ...facts, error: e.error, cause: e.cause });
      throw e;
    } finally {
      for (const t of timers) clearTimeout(t);
      clearTimeout(heartbeatTimer);
    }
  }

  private async runParallel(state: StateDef, effective: unknown, context: ContextObject, signal: AbortSignal, where: Scope): Promise<unknown> {
    const { record } = this.opts;
    const input = state.Parameters !== undefined ? applyTemplate(state.Parameters, effective, context) : effective;
    record("ParallelStateStarted");
    const branches = new AbortController();
    const both = AbortSignal.any([signal, branches.signal]);
    try {
      const results = await Promise.all((state.Branches as Machine[]).map((branch) =>
        this.runStates(branch, input, context, both, { ...where, vars: where.vars.child() }, false).catch((err) => {
          branches.abort(err);
          throw err;
        })));
      record("ParallelStateSucceeded");
      return results;
    } catch (err) {
      const e = signal.aborted ? err : asStatesError(branches.signal.reason ?? err);
      if (!signal.aborted) record("ParallelStateFailed", "", undefined);
      throw e;
    }
  }

  private async runMap(state: StateDef, effective: unknown, context: ContextObject, signal: AbortSignal, where: Scope,
    selectItem?: (value: unknown, index: number, iterationContext: ContextObject) => Promise<unknown>): Promise<unknown> {
    const { record } = this.opts;
    if (isDistributed(state)) {
      if (!this.opts.distributedMap) throw runtimeError("A distributed Map state needs S3 and map runs, which this run of the interpreter has not got");
      const processor = (state.ItemProcessor ?? state.Iterator) as Machine;
      // Each child workflow keeps a history of its own: none of its events go to the parent's.
      const child = new Interpreter(processor, { ...this.opts, record: () => {}, checkpoint: undefined });
      return runDistributedMap(context.State!.Name, state, effective, context, signal, this.opts.distributedMap, record,
        (input, childContext, childSignal) => child.runStates(processor, input, childContext as ContextObject, childSignal, { ...where, vars: where.vars.child() }, false));
    }
    const items = state.ItemsPath !== undefined ? read(effective, state.ItemsPath) : effective;
    if (!Array.isArray(items)) throw runtimeError(`Map state input must be an array: ${json(items)}`);
    const processor = (state.ItemProcessor ?? state.Iterator) as Machine;
    const selector = state.ItemSelector ?? state.Parameters;
    const limit = state.MaxConcurrencyPath !== undefined ? Number(read(effective, state.MaxConcurrencyPath)) : Number(state.MaxConcurrency ?? 0);
    record("MapStateStarted", "mapStateStartedEventDetails", { length: items.length });
    const stop = new AbortController();
    const both = AbortSignal.any([signal, stop.signal]);
    const results = new Array<unknown>(items.length);
    let nextIndex = 0;
    const worker = async () => {
      while (nextIndex < items.length) {
        const index = nextIndex++;
        const iterationContext: ContextObject = { ...context, Map: { Item: { Index: index, Value: items[index] } } };
        const input = selectItem ? await selectItem(items[index], index, iterationContext) : selector !== undefined ? applyTemplate(selector, effective, iterationContext) : items[index];
        const label = { name: context.State!.Name, index };
        record("MapIterationStarted", "mapIterationStartedEventDetails", label);
        try {
          results[index] = await this.runStates(processor, input, iterationContext, both, { ...where, vars: where.vars.child() }, false);
          record("MapIterationSucceeded", "mapIterationSucceededEventDetails", label);
        } catch (err) {
          if (!signal.aborted) record(both.aborted ? "MapIterationAborted" : "MapIterationFailed", both.aborted ? "mapIterationAbortedEventDetails" : "mapIterationFailedEventDetails", label);
          if (!stop.signal.aborted) stop.abort(err);
          throw err;
        }
      }
    };
    const workers = Math.max(1, Math.min(limit > 0 ? limit : items.length, items.length));
    try {
      await Promise.all(Array.from({ length: items.length ? workers : 0 }, worker));
    } catch (err) {
      if (signal.aborted) throw err;
      record("MapStateFailed");
      throw asStatesError(stop.signal.reason ?? err);
    }
    record("MapStateSucceeded");
    return results;
  }
}

export function asStatesError(err: unknown): StatesError {
  if (err instanceof StatesError) return err;
  return new StatesError("States.Runtime", (err as Error)?.message ?? String(err));
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** A task token: opaque, long and unguessable, like Step Functions'. */
export function newTaskToken(): string {
  return `AQ${globalThis.crypto.getRandomValues(new Uint8Array(96)).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "")}`;
}
