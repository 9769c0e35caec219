/**
 * Executions: starting one (a row and its ExecutionStarted event, then the interpreter
 * in the background), recording its history as it goes, finishing it, stopping it, and
 * resuming the ones a previous process left RUNNING from their last top-level state,
 * and redriving a failed one from the state that failed. EXPRESS executions run the
 * same way but, as on AWS, keep no history the API can read. Either kind logs to
 * CloudWatch Logs when its machine's logging configuration asks (execution-logs.ts).
 */
import { randomUUID } from "node:crypto";
import { checkDefinition } from "./asl/definition.js";
import { Interpreter, Stopped, type ContextObject, type Outcome } from "./asl/interpreter.js";
import { ExecutionLogs, type EventSink } from "./execution-logs.js";
import type { MapRuns } from "./map-runs.js";
import type { ExecutionRow, HistoryRow, MachineRow, StepFunctionsStore } from "./store.js";
import { StatesTaskRunner, type TaskDeps } from "./tasks.js";

/** What an execution runs: a machine's current definition, or a version's (then named by version_arn, and alias_arn when an alias chose it). */
export type RunnableMachine = MachineRow & { version_arn?: string | null; alias_arn?: string | null };

interface Run {
  definition: string;
  roleArn: string;
  machineArn: string;
  /** The machine's logging configuration (JSON text). */
  logging: string;
  arn: string;
  name: string;
  input: string;
  started: number;
  redriveCount: number;
  history: EventSink | undefined;
  resume: { state: string; input: unknown; variables?: Record<string, unknown> } | undefined;
}

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
  checkpoint?: { state: string; input: string; variables: string | null };
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

  constructor(private readonly store: StepFunctionsStore, private readonly taskDeps: TaskDeps, private readonly logs: ExecutionLogs, private readonly mapRuns: MapRuns, private readonly opts: ExecutionsOptions = {}) {}

  executionArn(machine: MachineRow, name: string): string {
    const [, , , region, account] = machine.arn.split(":");
    return machine.type === "EXPRESS"
      ? `arn:aws:states:${region}:${account}:express:${machine.name}:${name}:${randomUUID()}`
      : `arn:aws:states:${region}:${account}:execution:${machine.name}:${name}`;
  }

  /** Starts a STANDARD execution (durable) or an EXPRESS one (in memory); answers at once. */
  start(machine: RunnableMachine, name: string, input: string): { executionArn: string; startDate: number } {
    const arn = this.executionArn(machine, name);
    const started = Date.now();
    const run = { definition: machine.definition, roleArn: machine.role_arn, machineArn: machine.arn, logging: machine.logging, arn, name, input, started, redriveCount: 0, resume: undefined };
    const startedDetails = { input, inputDetails: { truncated: false }, roleArn: machine.role_arn, ...(machine.version_arn ? { stateMachineVersionArn: machine.version_arn } : {}), ...(machine.alias_arn ? { stateMachineAliasArn: machine.alias_arn } : {}) };
    if (machine.type === "EXPRESS") {
      void this.execute({ ...run, history: undefined }, startedDetails);
      return { executionArn: arn, startDate: seconds(started) };
    }
    this.store.insertExecution({
      arn, machine_arn: machine.arn, name, status: "RUNNING", input, output: null, error: null, cause: null, started, stopped: null,
      definition: machine.definition, role_arn: machine.role_arn, checkpoint_state: null, checkpoint_input: null, checkpoint_variables: null, events: 0,
      redrive_count: 0, redrive_date: null, version_arn: machine.version_arn ?? null, alias_arn: machine.alias_arn ?? null,
    });
    void this.execute({ ...run, history: this.historyWriter(arn, 0) }, startedDetails);
    return { executionArn: arn, startDate: seconds(started) };
  }

  /** StartSyncExecution: runs an EXPRESS execution to its end and answers its result. */
  async runSync(machine: RunnableMachine, name: string, input: string): Promise<SyncResult> {
    const arn = this.executionArn(machine, name);
    const started = Date.now();
    const outcome = await this.execute({ definition: machine.definition, roleArn: machine.role_arn, machineArn: machine.arn, logging: machine.logging, arn, name, input, started, redriveCount: 0, history: undefined, resume: undefined },
      { input, inputDetails: { truncated: false }, roleArn: machine.role_arn });
    return {
      executionArn: arn, stateMachineArn: machine.arn, name, startDate: seconds(started), stopDate: seconds(Date.now()),
      status: outcome.status, input, ...outcomeFields(outcome),
    };
  }

  /** Resumes every execution a previous process left RUNNING, from the top-level state it was in. */
  resumeAll(): void {
    for (const row of this.store.running()) void this.execute(this.runOf(row, this.historyWriter(row.arn, row.events)));
  }

  /**
   * RedriveExecution: the execution runs again from the top-level state it failed in
   * (a Parallel or Map re-runs whole), with the input that state had.
   */
  redrive(row: ExecutionRow): void {
    const at = Date.now();
    this.store.redrive(row.arn, at);
    const history = this.historyWriter(row.arn, row.events);
    history("ExecutionRedriven", "executionRedrivenEventDetails", { redriveCount: row.redrive_count + 1 });
    void this.execute({ ...this.runOf(row, history), redriveCount: row.redrive_count + 1 });
  }

  private runOf(row: ExecutionRow, history: EventSink): Run {
    const resume = row.checkpoint_state
      ? { state: row.checkpoint_state, input: JSON.parse(row.checkpoint_input ?? "null"), variables: row.checkpoint_variables ? JSON.parse(row.checkpoint_variables) : undefined }
      : undefined;
    const logging = (row.version_arn ? this.store.version(row.version_arn)?.logging : undefined) ?? this.store.machine(row.machine_arn)?.logging ?? "{}";
    return { definition: row.definition, roleArn: row.role_arn, machineArn: row.machine_arn, logging, arn: row.arn, name: row.name, input: row.input, started: row.started, redriveCount: row.redrive_count, history, resume };
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
    if (p.checkpoint) this.store.checkpoint(arn, p.checkpoint.state, p.checkpoint.input, p.checkpoint.variables);
  }

  private historyWriter(executionArn: string, lastId: number) {
    let id = lastId;
    return (type: string, detailsKey?: string, details?: Record<string, unknown>) => {
      if (this.closed) return;
      id++;
      this.pendingOf(executionArn).events.push({ id, type, timestamp: Date.now(), previous: id - 1, details: detailsKey && details ? JSON.stringify({ [detailsKey]: details }) : null });
    };
  }

  /** Runs an execution to its end; `started` (the ExecutionStarted details) when it starts now rather than resumes. */
  private async execute(run: Run, started?: Record<string, unknown>): Promise<Outcome> {
    const { definition, roleArn, machineArn, arn, name, input, history, resume } = run;
    const { machine } = checkDefinition(definition);
    const controller = new AbortController();
    this.running.set(arn, controller);
    const durable = history !== undefined;
    const parsedInput = JSON.parse(input);
    const machineName = machineArn.split(":")[6]!;
    const context: ContextObject = {
      Execution: { Id: arn, Input: parsedInput, Name: name, RoleArn: roleArn, StartTime: new Date(run.started).toISOString(), RedriveCount: run.redriveCount },
      StateMachine: { Id: machineArn, Name: machineName },
    };
    const log = this.logs.sink(JSON.parse(run.logging || "{}"), machineName, arn, run.redriveCount);
    const record: EventSink = history && log ? (t, k, d) => (history(t, k, d), log(t, k, d)) : history ?? log ?? (() => {});
    if (started) record("ExecutionStarted", "executionStartedEventDetails", started);
    const interpreter = new Interpreter(machine!, {
      tasks: new StatesTaskRunner(this.taskDeps, roleArn),
      distributedMap: this.mapRuns.hostFor(roleArn),
      record,
      checkpoint: durable
        ? (state, data, afterWork, variables) => {
            this.pendingOf(arn).checkpoint = { state, input: JSON.stringify(data ?? null), variables: Object.keys(variables).length ? JSON.stringify(variables) : null };
            // A finished Task, Parallel or Map is written at once: a restart then never runs it again.
            if (afterWork) this.flush();
          }
        : undefined,
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
