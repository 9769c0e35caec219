/**
 * Work that waits until every stack has run: SST v2 bundles functions when the app
 * finishes, not when a Function is constructed, so stack code may still change a
 * function (or the files it builds from) after creating it, and the bundles build
 * side by side. Tasks run with a fixed concurrency; the first failure is thrown once
 * the tasks already started have settled.
 */
import os from "node:os";

export type DeferredTask = () => Promise<void>;

/** SST_BUILD_CONCURRENCY, else one per core (at least two: esbuild does its work off the JS thread). */
export function defaultConcurrency(): number {
  const fromEnv = Number.parseInt(process.env.SST_BUILD_CONCURRENCY ?? "", 10);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(2, os.cpus().length);
}

export class DeferredTasks {
  private readonly tasks: DeferredTask[] = [];

  add(task: DeferredTask): void {
    this.tasks.push(task);
  }

  get size(): number {
    return this.tasks.length;
  }

  /** Runs every task added so far, and any a running task adds. */
  async run(concurrency = defaultConcurrency()): Promise<void> {
    let failure: unknown;
    const worker = async () => {
      for (let task = this.tasks.shift(); task && failure === undefined; task = this.tasks.shift()) {
        try {
          await task();
        } catch (e) {
          failure ??= e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    if (failure !== undefined) throw failure;
  }
}
