/**
 * A hash (MD5, SHA-256) of a large upload computed on a worker thread while the main
 * thread receives the body and writes it to disk. MD5 runs at about 700 MB/s on one
 * core: on the main thread it took half of a large PUT's CPU and capped its speed; on
 * the other core it overlaps the socket and file I/O, and the main thread only copies
 * the bytes into 1 MiB blocks (about a tenth of the hash's cost) and hands each block
 * over without a copy (transferred, then given back for reuse).
 *
 * One worker serves every upload of the process; it starts on the first large upload
 * and does not keep the process alive. Should it die, the digests it owed reject (the
 * upload answers InternalError) and the next upload starts a new one. Where no worker
 * can start at all, the hash runs on the main thread, as it did before.
 */
import { createHash, type Hash } from "node:crypto";
import { Worker } from "node:worker_threads";

/** Bytes handed to the worker at once. */
const BLOCK = 1024 * 1024;
/** Blocks kept for reuse once the worker gives them back. */
const POOL_MAX = 8;
/**
 * Blocks waiting for the worker, all uploads together, before uploads wait for it: a
 * body arriving faster than it hashes must not pile up in memory.
 */
const IN_FLIGHT_MAX = 16;

// Plain JavaScript, evaluated: the worker must not depend on the TypeScript loader.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const running = new Map();
parentPort.on("message", (m) => {
  if (m.op === "update") {
    let hash = running.get(m.id);
    if (!hash) running.set(m.id, (hash = createHash(m.algorithm)));
    hash.update(new Uint8Array(m.block, 0, m.length));
    parentPort.postMessage({ op: "block", block: m.block }, [m.block]);
  } else if (m.op === "digest") {
    const hash = running.get(m.id) || createHash(m.algorithm);
    running.delete(m.id);
    // Copied out: a digest Buffer may be a slice of the worker's allocation pool.
    parentPort.postMessage({ op: "digest", id: m.id, digest: Uint8Array.from(hash.digest()) });
  } else if (m.op === "drop") {
    running.delete(m.id);
  }
});
`;

interface Pending {
  resolve: (digest: Buffer) => void;
  reject: (err: Error) => void;
}

class HashWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly pool: ArrayBuffer[] = [];
  private nextId = 1;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  dead = false;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on("message", (m: { op: string; block?: ArrayBuffer; id?: number; digest?: Uint8Array }) => {
      if (m.op === "block") {
        this.inFlight--;
        if (this.pool.length < POOL_MAX) this.pool.push(m.block!);
        if (this.inFlight < IN_FLIGHT_MAX) for (const go of this.waiting.splice(0)) go();
      } else {
        const waiter = this.pending.get(m.id!);
        this.pending.delete(m.id!);
        if (this.pending.size === 0) this.worker.unref();
        waiter?.resolve(Buffer.from(m.digest!.buffer, m.digest!.byteOffset, m.digest!.byteLength));
      }
    });
    const fail = (err: Error) => {
      this.dead = true;
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
      for (const go of this.waiting.splice(0)) go();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`the hash worker exited (code ${code})`)));
  }

  id(): number {
    return this.nextId++;
  }

  block(): ArrayBuffer {
    return this.pool.pop() ?? new ArrayBuffer(BLOCK);
  }

  update(id: number, algorithm: string, block: ArrayBuffer, length: number): void {
    if (this.dead) return;
    this.inFlight++;
    this.worker.postMessage({ op: "update", id, algorithm, block, length }, [block]);
  }

  /** Undefined while the worker keeps up; else resolves once it has caught up enough. */
  backlog(): Promise<void> | undefined {
    if (this.inFlight < IN_FLIGHT_MAX || this.dead) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  digest(id: number, algorithm: string): Promise<Buffer> {
    if (this.dead) return Promise.reject(new Error("the hash worker exited"));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Waiting for an answer: the worker must keep the process alive until it comes.
      this.worker.ref();
      this.worker.postMessage({ op: "digest", id, algorithm });
    });
  }

  drop(id: number): void {
    if (!this.dead) this.worker.postMessage({ op: "drop", id });
  }
}

let shared: HashWorker | undefined;
let warned = false;
/** The worker, started if need be; undefined when no worker can start (hashes then run here). */
function hashWorker(): HashWorker | undefined {
  if (!shared || shared.dead) {
    try {
      shared = new HashWorker();
    } catch (err) {
      if (!warned) console.error("[local-cloud] s3: upload hashes run on the main thread: no worker thread could start", err);
      warned = true;
      return undefined;
    }
  }
  return shared;
}

/** One running hash; feed it with `update`, then `digest` once (or `drop` it). */
export class OffThreadHash {
  private readonly worker: HashWorker | undefined;
  /** The hash itself, when no worker could start. */
  private readonly local: Hash | undefined;
  private readonly id: number;
  private block: Uint8Array | undefined;
  private filled = 0;

  constructor(private readonly algorithm: "md5" | "sha256") {
    this.worker = hashWorker();
    this.id = this.worker?.id() ?? 0;
    this.local = this.worker ? undefined : createHash(algorithm);
  }

  update(bytes: Uint8Array): void {
    if (!this.worker) return void this.local!.update(bytes);
    let from = 0;
    while (from < bytes.length) {
      const block = (this.block ??= new Uint8Array(this.worker.block()));
      const n = Math.min(bytes.length - from, block.length - this.filled);
      block.set(bytes.subarray(from, from + n), this.filled);
      this.filled += n;
      from += n;
      if (this.filled === block.length) this.send();
    }
  }

  /**
   * Undefined while the worker keeps up with the uploads; else a promise to await before
   * reading more of the body (it resolves once the worker has caught up enough).
   */
  backlog(): Promise<void> | undefined {
    return this.worker?.backlog();
  }

  /** The digest of everything updated. */
  digest(): Promise<Buffer> {
    if (!this.worker) return Promise.resolve(this.local!.digest());
    if (this.filled > 0) this.send();
    return this.worker.digest(this.id, this.algorithm);
  }

  /** Forget the hash (the upload failed before its digest was wanted). */
  drop(): void {
    this.block = undefined;
    this.filled = 0;
    this.worker?.drop(this.id);
  }

  private send(): void {
    this.worker!.update(this.id, this.algorithm, this.block!.buffer as ArrayBuffer, this.filled);
    this.block = undefined;
    this.filled = 0;
  }
}
