/**
 * Executions: starting one (a row and its ExecutionStarted event, then the interpreter
 * in the background), recording its history as it goes, finishing it, stopping it, and
 * resuming the ones a previous process left RUNNING from their last top-level state.
 * EXPRESS executions run the same way but, as on AWS, keep no history the API can read.
 */
import { randomUUID } from "node:crypto";
import { checkDefinition } from "./asl/definition.js";
import { Interpreter, Stopped, type ContextObject, type Outcome } from "./asl/interpreter.js";
import type { ExecutionRow, HistoryRow, MachineRow, StepFunctionsStore } from "./store.js";
import { StatesTaskRunner, type TaskDeps } from "./tasks.js";

const seconds = (ms: number) => ms / 1000;

export interface ExecutionsOptions {
  /** Scales Wait states and retry intervals (tests). @default 1 */
  timeScale?: number;
}

export interface SyncResult {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  startDate: number;
  stopDate: number;
  status: string;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** History events and the latest checkpoint of one execution not yet written. */
interface Pending {
  events: HistoryRow[];
  checkpoint?: { state: string; input: string };
}

export class Executions {
  private readonly running = new Map<string, AbortController>();
  /**
   * Writes wait here until the current turn of the event loop ends, then go in one
   * transaction: an execution of Pass and Choice states is one commit, not one a state.
   * Reads of an execution (`flush`) and its end write them first.
   */
  private readonly pending = new Map<string, Pending>();
  private flushScheduled = false;
  private readonly finishWaiters = new Map<string, (() => void)[]>();
  private closed = false;

  constructor(private readonly store: StepFunctionsStore, private readonly taskDeps: TaskDeps, private readonly opts: ExecutionsOptions = {}) {}

  executionArn(machine: MachineRow, name: string): string {
    const [, , , region, account] = machine.arn.split(":");
    return machine.type === "EXPRESS"
      ? `arn:aws:states:${region}:${account}:express:${machine.name}:${name}:${randomUUID()}`
      : `arn:aws:states:${region}:${account}:execution:${machine.name}:${name}`;
  }

  /** Starts a STANDARD execution (durable) or an EXPRESS one (in memory); answers at once. */
  start(machine: MachineRow, name: string, input: string): { executionArn: string; startDate: number } {
    const arn = this.executionArn(machine, name);
    const started = Date.now();
    if (machine.type === "EXPRESS") {
      void this.execute(machine.definition, machine.role_arn, machine.arn, arn, name, input, started, undefined, undefined);
      return { executionArn: arn, startDate: seconds(started) };
    }
    this.store.insertExecution({
      arn, machine_arn: machine.arn, name, status: "RUNNING", input, output: null, error: null, cause: null, started, stopped: null,
      definition: machine.definition, role_arn: machine.role_arn, checkpoint_state: null, checkpoint_input: null, events: 0,
    });
    const history = this.historyWriter(arn, 0);
    history("ExecutionStarted", "executionStartedEventDetails", { input, inputDetails: { truncated: false }, roleArn: machine.role_arn });
    void this.execute(machine.definition, machine.role_arn, machine.arn, arn, name, input, started, history, undefined);
    return { executionArn: arn, startDate: seconds(started) };
  }

  /** StartSyncExecution: runs an EXPRESS execution to its end and answers its result. */
  async runSync(machine: MachineRow, name: string, input: string): Promise<SyncResult> {
    const arn = this.executionArn(machine, name);
    const started = Date.now();
    const outcome = await this.execute(machine.definition, machine.role_arn, machine.arn, arn, name, input, started, undefined, undefined);
    return {
      executionArn: arn, stateMachineArn: machine.arn, name, startDate: seconds(started), stopDate: seconds(Date.now()),
      status: outcome.status, input, ...outcomeFields(outcome),
    };
  }

  /** Resumes every execution a previous process left RUNNING, from the top-level state it was in. */
  resumeAll(): void {
    for (const row of this.store.running()) {
      const resume = row.checkpoint_state ? { state: row.checkpoint_state, input: JSON.parse(row.checkpoint_input ?? "null") } : undefined;
      void this.execute(row.definition, row.role_arn, row.machine_arn, row.arn, row.name, row.input, row.started, this.historyWriter(row.arn, row.events), resume);
    }
  }

  /** StopExecution of a running execution (false: it is not running here). */
  stop(arn: string, error?: string, cause?: string): boolean {
    const controller = this.running.get(arn);
    if (!controller) return false;
    controller.abort(new Stopped(error, cause));
    return true;
  }

  /** Resolves once the execution is no longer running (a `.sync` parent waits on it). */
  untilFinished(arn: string, signal: AbortSignal): Promise<void> {
    if (!this.running.has(arn)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const list = this.finishWaiters.get(arn) ?? [];
      list.push(resolve);
      this.finishWaiters.set(arn, list);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  }

  /** Stops running executions without recording an end: a restarted cloud resumes them. */
  close(): void {
    this.flush();
    this.closed = true;
    for (const controller of this.running.values()) controller.abort(new Stopped("States.Runtime", "the local cloud stopped"));
  }

  private pendingOf(arn: string): Pending {
    let p = this.pending.get(arn);
    if (!p) {
      p = { events: [] };
      this.pending.set(arn, p);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return p;
  }

  /** Writes every pending event and checkpoint (before an execution or its history is read). */
  flush(): void {
    this.flushScheduled = false;
    if (!this.pending.size) return;
    const batch = [...this.pending];
    this.pending.clear();
    this.store.transaction(() => {
      for (const [arn, p] of batch) this.write(arn, p);
    });
  }

  private write(arn: string, p: Pending): void {
    // An execution deleted with its state machine meanwhile leaves nothing behind.
    if (!this.store.execution(arn)) return;
    this.store.appendEvents(arn, p.events);
    if (p.checkpoint) this.store.checkpoint(arn, p.checkpoint.state, p.checkpoint.input);
  }

  private historyWriter(executionArn: string, lastId: number) {
    let id = lastId;
    return (type: string, detailsKey?: string, details?: Record<string, unknown>) => {
      if (this.closed) return;
      id++;
      this.pendingOf(executionArn).events.push({ id, type, timestamp: Date.now(), previous: id - 1, details: detailsKey && details ? JSON.stringify({ [detailsKey]: details }) : null });
    };
  }

  private async execute(definition: string, roleArn: string, machineArn: string, arn: string, name: string, input: string, started: number,
    history: ((type: string, key?: string, details?: Record<string, unknown>) => void) | undefined, resume: { state: string; input: unknown } | undefined): Promise<Outcome> {
    const { machine } = checkDefinition(definition);
    const controller = new AbortController();
    this.running.set(arn, controller);
    const durable = history !== undefined;
    const parsedInput = JSON.parse(input);
    const context: ContextObject = {
      Execution: { Id: arn, Input: parsedInput, Name: name, RoleArn: roleArn, StartTime: new Date(started).toISOString(), RedriveCount: 0 },
      StateMachine: { Id: machineArn, Name: machineArn.split(":")[6]! },
    };
    const interpreter = new Interpreter(machine!, {
      tasks: new StatesTaskRunner(this.taskDeps, roleArn),
      record: history ?? (() => {}),
      checkpoint: durable ? (state, data) => void (this.pendingOf(arn).checkpoint = { state, input: JSON.stringify(data ?? null) }) : undefined,
      timeScale: this.opts.timeScale,
    });
    try {
      const outcome = await interpreter.run(parsedInput, context, controller.signal, resume);
      if (durable && !this.closed) {
        const p = this.pending.get(arn);
        this.pending.delete(arn);
        this.store.transaction(() => {
          if (p) this.write(arn, p);
          this.store.finish({ arn, status: outcome.status, stopped: Date.now(), output: null, error: null, cause: null, ...rowFields(outcome) });
        });
      }
      return outcome;
    } finally {
      this.running.delete(arn);
      for (const wake of this.finishWaiters.get(arn) ?? []) wake();
      this.finishWaiters.delete(arn);
    }
  }
}

function outcomeFields(outcome: Outcome): { output?: string; error?: string; cause?: string } {
  if (outcome.status === "SUCCEEDED") return { output: JSON.stringify(outcome.output ?? null) };
  return { ...(outcome.error !== undefined ? { error: outcome.error } : {}), ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}) };
}

function rowFields(outcome: Outcome): Partial<Pick<ExecutionRow, "output" | "error" | "cause">> {
  const f = outcomeFields(outcome);
  return { output: f.output ?? null, error: f.error ?? null, cause: f.cause ?? null };
}
