/**
 * CloudWatch Logs chunks written on a thread of their own (append-thread.mjs), with its
 * own connection to logs.sqlite. Under load every Lambda invocation and every API
 * request leaves lines, and writing them — the chunk's row, its WAL frames, and now and
 * then a checkpoint that copies the WAL into the file and waits for the disk twice —
 * took the local cloud's event loop about 2 µs a line, with stalls of tens of
 * milliseconds at each checkpoint, in the middle of serving requests. The thread does
 * that work beside it.
 *
 * What PutLogEvents acknowledged is still read back at once: a reader calls `settle()`,
 * which waits (Atomics.wait on a counter the thread advances after each commit) until
 * every chunk handed over so far is in the file. Reads are rare beside writes, and the
 * thread is seldom more than a chunk behind, so the wait is short when there is one.
 */
import { Worker } from "node:worker_threads";

/** One chunk as the thread inserts it: the events already packed as JSON. */
export interface ChunkToAppend {
  group: string;
  stream: string;
  first: number;
  last: number;
  ingestion: number;
  events: string;
  bytes: number;
}

/** The statements the thread runs, as the store prepares them (the SQL stays in store.ts). */
export interface AppendStatements {
  insertChunk: string;
  touchStream: string;
  addGroupBytes: string;
}

const THREAD = new URL("./append-thread.mjs", import.meta.url);
/** How long a reader waits for the thread before giving up on it (it is stuck, or gone). */
const SETTLE_TIMEOUT_MS = 10_000;

export class AppendWriter {
  private readonly worker: Worker;
  /** [0]: chunks the thread finished (written or failed); [1]: 1 once it closed its connection. */
  private readonly done: Int32Array;
  private posted = 0;
  private ended = false;

  constructor(file: string, sql: AppendStatements, onError: (group: string, stream: string, message: string) => void) {
    const state = new SharedArrayBuffer(8);
    this.done = new Int32Array(state);
    this.worker = new Worker(THREAD, {
      workerData: { file, sql, state },
      // Its messages are a few strings each: a young generation of V8's default size (up to 16 MB a semi-space) would be resident memory for nothing.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    this.worker.on("message", (m: { group: string; stream: string; error: string }) => onError(m.group, m.stream, m.error));
    this.worker.on("error", (err) => onError("", "", `the writer thread failed: ${err.message}`));
    this.worker.on("exit", () => void (this.ended = true));
    // Pending chunks do not keep the process alive; close() writes them.
    this.worker.unref();
  }

  /** Whether chunks can still be handed over (the thread runs). */
  get alive(): boolean {
    return !this.ended;
  }

  append(chunk: ChunkToAppend): void {
    this.posted++;
    this.worker.postMessage(chunk);
  }

  /** Returns once every chunk appended so far is committed (or failed and was reported). */
  settle(): void {
    for (;;) {
      const finished = Atomics.load(this.done, 0);
      if (finished >= this.posted || this.ended) return;
      if (Atomics.wait(this.done, 0, finished, SETTLE_TIMEOUT_MS) === "timed-out") {
        throw new Error(`CloudWatch Logs' writer thread has not written its chunks for ${SETTLE_TIMEOUT_MS / 1000} s`);
      }
    }
  }

  /** Writes what is pending, then closes the thread's connection (before the store's own closes). */
  close(): void {
    if (this.ended) return;
    try {
      this.settle();
    } finally {
      this.worker.postMessage("close");
      Atomics.wait(this.done, 1, 0, SETTLE_TIMEOUT_MS);
      this.ended = true;
      void this.worker.terminate();
    }
  }
}
