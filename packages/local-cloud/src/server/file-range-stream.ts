/**
 * A byte range of an open file as a Readable whose chunks are lent, not given: they are
 * MiB blocks from a small process-wide pool, and a consumer that knows (the fast HTTP
 * path's StreamPump) hands each one back with `takeBack` once the socket has written
 * it. A large GET then reuses the same few MiB of memory instead of allocating a fresh
 * Buffer for every read, which cost page faults on first touch and garbage collection
 * afterwards — together about as much CPU as the socket write itself. A consumer that
 * does not hand chunks back (node:http's pipe, an in-process caller) just keeps them:
 * the pool then allocates fresh blocks, as fs.createReadStream would.
 *
 * The descriptor closes when the stream ends or is destroyed.
 */
import fs from "node:fs";
import { Readable } from "node:stream";

/** Bytes read at a time: a 64 KiB read is 128 reads and socket writes for 8 MiB. */
export const BLOCK = 1024 * 1024;
/** Blocks kept for reuse; beyond this, returned blocks are left to the GC. */
const POOL_MAX = 12;
const pool: Buffer[] = [];

function takeBlock(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(BLOCK);
}

/** A consumer's promise to call `takeBack(chunk)` once it no longer needs a chunk. */
export interface LendsChunks {
  takeBack(chunk: Buffer): void;
}

export function lendsChunks(source: object): source is LendsChunks {
  return typeof (source as Partial<LendsChunks>).takeBack === "function";
}

export class FileRangeStream extends Readable implements LendsChunks {
  private position: number;
  private left: number;
  private fdClosed = false;

  constructor(
    private readonly fd: number,
    /** First byte. */
    start: number,
    /** Bytes to read. */
    length: number,
  ) {
    // The first read waits for a consumer; after that one block ahead is enough.
    super({ highWaterMark: BLOCK });
    this.position = start;
    this.left = length;
  }

  override _read(): void {
    if (this.left === 0) {
      this.push(null);
      return;
    }
    const block = takeBlock();
    fs.read(this.fd, block, 0, Math.min(BLOCK, this.left), this.position, (err, n) => {
      if (err) return this.destroy(err);
      if (n === 0) return this.destroy(new Error(`file ended ${this.left} bytes early`));
      this.position += n;
      this.left -= n;
      this.push(block.subarray(0, n));
      if (this.left === 0) this.push(null);
    });
  }

  /** A chunk this stream lent is no longer in use: its block goes back to the pool. */
  takeBack(chunk: Buffer): void {
    if (chunk.buffer.byteLength === BLOCK && chunk.byteOffset === 0 && pool.length < POOL_MAX) pool.push(Buffer.from(chunk.buffer, 0, BLOCK));
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.closeFd(() => callback(err));
  }

  private closeFd(then: () => void): void {
    if (this.fdClosed) return then();
    this.fdClosed = true;
    fs.close(this.fd, () => then());
  }
}
