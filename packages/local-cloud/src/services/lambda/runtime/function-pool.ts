/**
 * The execution environments of one function: warm environments are reused,
 * concurrent invocations get more of them up to a cap (per function, tied to the cores,
 * and the machine-wide EnvironmentBudget); beyond it each environment takes a few
 * invocations to run next (PIPELINE_DEPTH, more for a quick function: see
 * execution-environment.ts), and the
 * rest queue here. Environments whose
 * code is stale (another codeKey) are ended before they could serve, so a redeploy or a
 * rebuild in `sst dev` takes effect on the very next invocation. Idle environments are
 * reaped after a while to give memory back.
 *
 * Hot reload (sst dev): while the runtime lets it (`keepStandby`, for the functions
 * run from source that were invoked last), the pool keeps one standby environment —
 * spawned, with the AWS SDK modules the function's build imports already loaded (the
 * build writes a module of those imports), but no code. The next rebuild hands the new code to the standby, whose init then only
 * evaluates the bundle: spawn and SDK import (the bulk of a cold start) are off the
 * path from save to new answer. A reserve standby, spawned once the first had time to
 * start, takes its place when it is taken, so a second save right after the first one's
 * answer finds a started process too. The standby never ran any code of the function, so each
 * version still starts in a fresh environment. While the app is under load (a load
 * test, an integration suite: nobody edits it meanwhile) no function keeps one: the
 * process would only hold memory and compete for the cores; the first invocation after
 * the load brings it back.
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { ExecutionEnvironment, NOT_STARTED, PIPELINE_DEPTH, QUICK_PIPELINE_DEPTH, type InvocationOutcome, type InvocationRequest, type WorkerLaunch } from "./execution-environment.js";
import { EnvironmentBudget, defaultFunctionConcurrency, wakeFirst, type Waiter } from "./environment-budget.js";
import { coresBusy } from "./cpu-pressure.js";

export interface PoolOptions {
  /** Environments per function; invocations beyond it wait. @default max(2, cores) */
  maxConcurrency?: number;
  /** Idle environments older than this are ended. */
  idleTimeoutMs?: number;
  /** Environments older than this serve no new invocation: their role credentials (1 h sessions) must not expire mid-use. */
  maxWorkerAgeMs?: number;
  /** How many functions run from source (sst dev) keep a standby environment for hot reload, the last invoked first. @default 1 */
  maxStandbyFunctions?: number;
  /** Environments on the machine in all. @default max(8, 4 × cores) */
  maxEnvironments?: number;
  /** Environments per function whose invocations mostly wait (see WAITING_ABOVE_MS). @default the machine's budget */
  maxWaitingConcurrency?: number;
  /** Whether the cores are busy, so long invocations wait on them rather than elsewhere. @default cpu-pressure.ts's coresBusy */
  coresBusy?: () => boolean;
}

export interface PoolInvocationResult {
  outcome: InvocationOutcome;
  logStreamName: string;
  coldStart: boolean;
  /** Process spawn + module init, for cold starts. */
  coldStartMs?: number;
}

/** How long after an invocation a standby is spawned (or, under load, looked at again). */
const STANDBY_DELAY_MS = 100;
/**
 * How long after the standby its reserve is spawned: time for the standby to boot and
 * warm up first (~150–250 ms of one core), so the two never start side by side.
 */
const RESERVE_DELAY_MS = 400;

/**
 * More invocations than this within BUSY_WINDOW_MS (100 a second), of all the functions
 * together, and the app is under load — a load test, an integration suite — not being
 * edited: no function keeps a standby (one would hold a process of ~45 MB and compete
 * for the cores with the environments serving; under a mixed load the standby would
 * also follow whichever function came last, spawned and ended again and again) until
 * BUSY_HOLD_MS after the load. The invocation after that spawns one again.
 */
const BUSY_INVOCATIONS = 10;
const BUSY_WINDOW_MS = 100;
const BUSY_HOLD_MS = 1000;

/** Counts invocations (the runtime shares one among its pools) to tell whether the app is under load. */
export class LoadMeter {
  private windowCount = 0;
  private windowStart = 0;
  private busyUntil = 0;

  count(now = performance.now()): void {
    if (now - this.windowStart > BUSY_WINDOW_MS) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > BUSY_INVOCATIONS) this.busyUntil = now + BUSY_HOLD_MS;
  }

  underLoad(now = performance.now()): boolean {
    return now < this.busyUntil;
  }
}

/**
 * Invocations shorter than this (on average) queue behind a warm environment rather
 * than start another: waiting a fraction of a millisecond costs less than a process
 * (~50 MB, and a cold start). Longer ones — a handler awaiting DynamoDB for a few
 * milliseconds — scale out to the cap, as Lambda would scale them.
 */
const SCALE_OUT_ABOVE_MS = 1;

/**
 * Invocations longer than this (on average, or the ones running now before any ended)
 * mostly wait — on timers, on slow downstream calls — rather than compute: they scale
 * out past the per-core cap, as Lambda would scale them, because queueing behind one
 * would cost its whole duration while adding a process costs the cores little. Not
 * while the cores are busy (cpu-pressure.ts): then they wait on them, the local
 * cloud's answers to them included, and more processes (measured: 15 of one function
 * on a loaded 2-core machine, 60 MB each) would only compete for them.
 */
const WAITING_ABOVE_MS = 100;


export class FunctionPool {
  private readonly envs = new Set<ExecutionEnvironment>();
  private readonly waiters: Waiter[] = [];
  private readonly maxConcurrency: number;
  private readonly maxWaitingConcurrency: number;
  private readonly idleTimeoutMs: number;
  private readonly maxWorkerAgeMs: number;
  private readonly coresBusy: () => boolean;
  private closed = false;
  /** Keep a standby for the function's next version (set by the runtime). */
  private keepStandby = false;
  private standby?: ExecutionEnvironment;
  /**
   * A second standby, spawned once the first had time to start: two saves in a row (the
   * second right after the first's answer) each find a started process. Without it the
   * second paid a fresh process, the standby for it being spawned only after the first
   * save's answer.
   */
  private reserve?: ExecutionEnvironment;
  private standbyTimer?: NodeJS.Timeout;
  /** Environments that hold a slot of the budget (each gives it back once). */
  private readonly counted = new WeakSet<ExecutionEnvironment>();
  /** Moving average of the function's invocation times (ms); undefined before the first. */
  private typicalMs?: number;

  constructor(
    readonly functionName: string,
    opts: PoolOptions = {},
    private readonly budget = new EnvironmentBudget(opts.maxEnvironments),
    private readonly load = new LoadMeter(),
  ) {
    this.maxConcurrency = opts.maxConcurrency ?? defaultFunctionConcurrency();
    this.maxWaitingConcurrency = Math.max(this.maxConcurrency, opts.maxWaitingConcurrency ?? budget.max);
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 5 * 60_000;
    this.maxWorkerAgeMs = opts.maxWorkerAgeMs ?? 45 * 60_000;
    this.coresBusy = opts.coresBusy ?? coresBusy;
  }

  get size(): number {
    return this.envs.size;
  }

  async invoke(launch: WorkerLaunch, req: InvocationRequest): Promise<PoolInvocationResult> {
    for (;;) {
      // Choosing an environment and handing it the invocation happen in one synchronous
      // step: between them nothing else may end or claim it.
      let dispatched = this.dispatch(launch, req);
      while (!dispatched) {
        await this.roomMayBeFree();
        dispatched = this.dispatch(launch, req);
      }
      const { env, cold } = dispatched;
      let outcome: InvocationOutcome | typeof NOT_STARTED;
      try {
        outcome = await dispatched.outcome;
      } finally {
        if ((env.retire && env.load === 0) || this.closed) this.end(env);
        if (env.state === "dead") this.envs.delete(env);
        wakeFirst(this.waiters);
        // After an answer, not before: the standby's spawn must not slow the request that wanted code.
        if (!env.retire) {
          this.load.count();
          this.scheduleStandby(launch);
        }
      }
      // The environment ended before this one began: run it on another.
      if (outcome === NOT_STARTED) continue;
      this.typicalMs = this.typicalMs === undefined ? outcome.durationMs : 0.9 * this.typicalMs + 0.1 * outcome.durationMs;
      if (this.typicalMs < SCALE_OUT_ABOVE_MS) this.shrinkTo(1);
      else if (!this.mostlyWaits(performance.now())) this.shrinkTo(this.maxConcurrency);
      // Cold start = everything from spawning the process to the handler being called.
      const coldStartMs = cold ? performance.now() - env.createdAt - outcome.durationMs : undefined;
      return { outcome, logStreamName: env.logStreamName, coldStart: cold, coldStartMs };
    }
  }

  /**
   * Starts an environment on `launch` and runs its init now, so the next invocation is
   * warm. Idle environments on other code are ended first: after a rebuild they must
   * never serve again. Does nothing when one on this code exists already or the pool is
   * full. Returns whether an environment was started.
   */
  prewarm(launch: WorkerLaunch): boolean {
    if (this.closed) return false;
    for (const env of this.envs) {
      if (env.state === "dead") this.envs.delete(env);
      else if (env.launch.codeKey !== launch.codeKey) {
        if (env.state === "idle") {
          this.end(env);
          this.envs.delete(env);
          // Busy on the old code: it finishes what it holds and ends, and its answer does
          // not schedule a standby (one spawned while the new code loads slows its first answer).
        } else env.retire = true;
      } else return false;
    }
    if (this.envs.size >= this.maxConcurrency) return false;
    let env = this.takeStandby(launch);
    if (!env) {
      if (!this.budget.tryTake()) return false;
      env = this.newEnvironment(launch);
      env.prewarm();
    }
    this.envs.add(env);
    // An invocation may be waiting for a free environment.
    wakeFirst(this.waiters);
    // The standby for the version after this one starts after this one answered
    // (scheduleStandby): spawned right now, it would compete with this environment's
    // init and its first request, which measured slower than no standby at all.
    return true;
  }

  /**
   * A quick function needs one environment, a computing one one a core (more only contend
   * for the same cores): the others a burst started before its invocations were timed
   * finish what they hold and end, the lightest first.
   */
  private shrinkTo(keep: number): void {
    let serving = 0;
    let lightest: ExecutionEnvironment | undefined;
    for (const env of this.envs) {
      if (env.state === "dead" || env.retire) continue;
      serving++;
      if (!lightest || env.load < lightest.load) lightest = env;
    }
    if (serving <= keep || !lightest) return;
    if (lightest.load === 0) {
      this.end(lightest);
      this.envs.delete(lightest);
    } else lightest.retire = true;
  }

  /** End idle environments now and busy ones when they finish (what they hold still runs; nothing new goes to them). */
  recycle(): void {
    this.dropStandby();
    for (const env of this.envs) {
      if (env.state === "busy") env.retire = true;
      else {
        this.end(env);
        this.envs.delete(env);
      }
    }
  }

  /** End environments idle longer than the idle timeout; returns how many remain. */
  reap(now = Date.now()): number {
    for (const env of this.envs) {
      if (env.state === "idle" && now - env.lastUsed > this.idleTimeoutMs) {
        this.end(env);
        this.envs.delete(env);
      }
      if (env.state === "dead") this.envs.delete(env);
    }
    // Nobody used the function for a while: its standby goes with its last environment.
    if (this.envs.size === 0) this.dropStandby();
    return this.envs.size;
  }

  /** The least recently used idle environment (or the standby), for the budget to end. */
  oldestIdle(): { lastUsed: number; end(): void } | undefined {
    let oldest: ExecutionEnvironment | undefined;
    for (const env of this.envs) if (env.state === "idle" && (!oldest || env.lastUsed < oldest.lastUsed)) oldest = env;
    if (oldest) {
      const env = oldest;
      return { lastUsed: env.lastUsed, end: () => (this.end(env), this.envs.delete(env)) };
    }
    if (this.reserve && this.reserve.state === "standby") return { lastUsed: 0, end: () => this.dropReserve() };
    if (this.standby && this.standby.state === "standby") return { lastUsed: 0, end: () => this.dropStandby() };
    return undefined;
  }

  /** Ends every environment, busy ones included: their invocations end with Runtime.ExitError. */
  close(): void {
    this.closed = true;
    this.dropStandby();
    for (const env of this.envs) this.end(env);
    this.envs.clear();
    for (const w of this.waiters.splice(0)) if (!w.woken) ((w.woken = true), w.wake());
  }

  /**
   * An environment for `launch`, without waiting: an idle one on its code, else a new one
   * while the caps allow, else the least loaded busy one that can take one more.
   */
  private acquireNow(launch: WorkerLaunch): { env: ExecutionEnvironment; cold: boolean } | undefined {
    if (this.closed) throw new Error(`function ${this.functionName} is shutting down`);
    let idle: ExecutionEnvironment | undefined;
    let lightest: ExecutionEnvironment | undefined;
    /** Environments on this code that take new work. */
    let serving = 0;
    const now = performance.now();
    const quick = this.typicalMs !== undefined && this.typicalMs < SCALE_OUT_ABOVE_MS;
    const depth = quick ? QUICK_PIPELINE_DEPTH : PIPELINE_DEPTH;
    for (const env of this.envs) {
      if (env.state === "dead") this.envs.delete(env);
      else if (env.state === "idle") {
        if (env.launch.codeKey !== launch.codeKey || now - env.createdAt > this.maxWorkerAgeMs) {
          // Stale code (or credentials about to expire): it must never serve again.
          this.end(env);
          this.envs.delete(env);
        } else if (!idle) idle = env;
      } else if (env.state === "busy" && !env.retire && env.launch.codeKey === launch.codeKey) {
        serving++;
        if (env.load < depth && (!lightest || env.load < lightest.load)) lightest = env;
      }
    }
    if (idle) return { env: idle, cold: false };
    if (quick && serving > 0) {
      // One environment is enough for a quick function: queue behind it, or wait for room.
      if (lightest && now - lightest.createdAt <= this.maxWorkerAgeMs) return { env: lightest, cold: false };
      return undefined;
    }
    const waiting = this.mostlyWaits(now);
    if (this.envs.size < (waiting ? this.maxWaitingConcurrency : this.maxConcurrency)) {
      // A standby saves the spawn and SDK load even when no pre-warm came first.
      const env = this.takeStandby(launch) ?? (this.budget.tryTake() ? this.newEnvironment(launch) : undefined);
      if (env) {
        this.envs.add(env);
        return { env, cold: true };
      }
    }
    // Queued behind an invocation that waits, this one would wait its whole duration; and
    // before any invocation was timed, it waits here, where the pool looks again shortly
    // (roomMayBeFree) whether the running ones wait or compute.
    if (waiting || this.typicalMs === undefined) return undefined;
    if (lightest && now - lightest.createdAt <= this.maxWorkerAgeMs) return { env: lightest, cold: false };
    return undefined;
  }

  /**
   * Whether the function's invocations mostly wait rather than compute: by their average
   * duration once one ended, before that by how long the running ones have run.
   */
  private mostlyWaits(now: number): boolean {
    // Long invocations while the cores are busy wait on them (the local cloud answering
    // them is among what keeps them busy): more environments would not make them shorter.
    if (this.coresBusy()) return false;
    if (this.typicalMs !== undefined) return this.typicalMs >= WAITING_ABOVE_MS;
    for (const env of this.envs) if (env.state === "busy" && env.runningForMs(now) >= WAITING_ABOVE_MS) return true;
    return false;
  }

  /** An environment for the invocation, which it is handed at once; undefined when none can take it now. */
  private dispatch(launch: WorkerLaunch, req: InvocationRequest) {
    const got = this.acquireNow(launch);
    return got && { ...got, outcome: got.env.invoke(req) };
  }

  /** Resolves when an invocation here ended or a slot freed on the machine: room for one more, perhaps. */
  private roomMayBeFree(): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { woken: false, wake: resolve };
      this.waiters.push(waiter);
      // Below the function's cap, a slot freed anywhere on the machine may be ours (above
      // it, a slot woken for here would go unused while another function waits for one).
      if (this.envs.size < (this.mostlyWaits(performance.now()) ? this.maxWaitingConcurrency : this.maxConcurrency)) this.budget.wait(waiter);
      // Before any invocation was timed: look again once the running ones may have shown they wait.
      if (this.typicalMs === undefined) {
        setTimeout(() => {
          if (waiter.woken) return;
          waiter.woken = true;
          resolve();
        }, WAITING_ABOVE_MS).unref();
      }
    });
  }

  private newEnvironment(launch: WorkerLaunch, opts: { standby?: boolean } = {}): ExecutionEnvironment {
    // A fresh environment is about to load code: a standby spawned now would compete with
    // it (measured: slower than no standby). The next answer schedules one again.
    if (!opts.standby && this.standbyTimer) {
      clearTimeout(this.standbyTimer);
      this.standbyTimer = undefined;
    }
    const env = new ExecutionEnvironment(launch, newLogStreamName(launch.functionVersion), opts);
    this.counted.add(env);
    env.onDeath = () => {
      this.giveBack(env);
      this.envs.delete(env);
      wakeFirst(this.waiters);
    };
    return env;
  }

  /** Ends an environment and gives its slot back at once (its process exits a moment later). */
  private end(env: ExecutionEnvironment): void {
    env.terminate();
    this.giveBack(env);
  }

  private giveBack(env: ExecutionEnvironment): void {
    if (!this.counted.has(env)) return;
    this.counted.delete(env);
    this.budget.release();
  }

  /** Whether a standby environment (live, not yet given code) is there. */
  get hasStandby(): boolean {
    return !!this.standby && this.standby.state === "standby";
  }

  /** Whether to keep a standby environment (the runtime bounds how many functions have one). */
  setKeepStandby(keep: boolean): void {
    this.keepStandby = keep;
    if (!keep) this.dropStandby();
  }

  /**
   * Spawns a standby for the function's next version (sst dev source code only) a
   * moment after an invocation, so it does not compete with a burst of requests, and
   * its reserve a while after that (or, the standby there, the reserve after the delay).
   */
  private scheduleStandby(launch: WorkerLaunch, delayMs = STANDBY_DELAY_MS): void {
    if (!this.keepStandby || this.closed || !launch.file || this.standbyTimer) return;
    this.standbyTimer = setTimeout(() => {
      this.standbyTimer = undefined;
      if (this.load.underLoad()) {
        // Under load: no standby now (the invocation after the load spawns one).
        this.dropStandby();
        return;
      }
      if (!this.keepStandby || this.closed) return;
      const live = (env?: ExecutionEnvironment) => !!env && env.state !== "dead";
      if (live(this.standby) && live(this.reserve)) return;
      // A standby takes a slot of the function's cap: a function scaled out to it (under
      // load, nobody is editing it) gets none until an environment goes.
      if (this.envs.size >= this.maxConcurrency) return;
      if (!live(this.standby)) {
        this.spawnStandby(launch);
        // Its reserve once it started, unless an invocation or a rebuild comes first.
        this.scheduleStandby(launch, RESERVE_DELAY_MS);
      } else this.spawnReserve(launch);
    }, delayMs);
    this.standbyTimer.unref();
  }

  /** The standby, given `launch`'s code (now idle, its init started), if it can run it. */
  private takeStandby(launch: WorkerLaunch): ExecutionEnvironment | undefined {
    const standby = this.standby;
    if (!standby) return undefined;
    // The reserve, started a while ago, is the standby for the version after this one.
    this.standby = this.reserve;
    this.reserve = undefined;
    // Spawned for another environment (new credentials, a recycle): of no use any more,
    // and neither is the reserve, spawned alike.
    if (!standby.canAdopt(launch)) {
      this.end(standby);
      this.dropStandby();
      return undefined;
    }
    standby.adopt(launch);
    // The next standby waits for this one's first answer (scheduleStandby): a timer an
    // answer of the old code left would spawn it while this one loads the new code.
    if (this.standbyTimer) clearTimeout(this.standbyTimer);
    this.standbyTimer = undefined;
    return standby;
  }

  private spawnStandby(launch: WorkerLaunch): void {
    this.dropStandby();
    this.standby = this.standbyFor(launch);
  }

  private spawnReserve(launch: WorkerLaunch): void {
    this.dropReserve();
    this.reserve = this.standbyFor(launch);
  }

  /** A new standby environment for `launch`'s next version, if the machine-wide budget has room. */
  private standbyFor(launch: WorkerLaunch): ExecutionEnvironment | undefined {
    if (!this.budget.tryTake()) return undefined;
    const env = this.newEnvironment(launch, { standby: true });
    // The SDK modules the current build imports (the next one likely imports the same).
    if (launch.preload) env.preload([pathToFileURL(launch.preload).href]);
    return env;
  }

  /** Ends the standby and its reserve (and any spawn of them still to come). */
  private dropStandby(): void {
    if (this.standbyTimer) clearTimeout(this.standbyTimer);
    this.standbyTimer = undefined;
    if (this.standby) this.end(this.standby);
    this.standby = undefined;
    this.dropReserve();
  }

  private dropReserve(): void {
    if (this.reserve) this.end(this.reserve);
    this.reserve = undefined;
  }
}

/** AWS's stream names: "2024/01/31/[$LATEST]" + 32 hex characters, one per execution environment. */
function newLogStreamName(version: string): string {
  const d = new Date();
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${String(d.getUTCDate()).padStart(2, "0")}`;
  return `${date}/[${version}]${randomBytes(16).toString("hex")}`;
}
