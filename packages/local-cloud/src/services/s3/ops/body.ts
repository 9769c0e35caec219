/**
 * A readable object body, opened when the operation ran: the bytes (an inline body) or
 * the descriptor (a file) keep it reachable even if the key is overwritten or deleted
 * before it is sent.
 */
import fs from "node:fs";
import type { Readable } from "node:stream";
import { FileRangeStream } from "../../../server/file-range-stream.js";
import { READ_AT_ONCE_MAX, type OpenedBlob } from "../blobs.js";

export class ObjectBody {
  private used = false;
  private readonly fd: number;
  private readonly bytes?: Buffer;

  constructor(
    opened: OpenedBlob,
    /** First byte served. */
    readonly start: number,
    /** Bytes served. */
    readonly length: number,
  ) {
    if ("bytes" in opened) {
      this.bytes = opened.bytes;
      this.fd = -1;
    } else this.fd = opened.fd;
  }

  /**
   * What HTTP sends: the bytes themselves when the body is small (one write, no stream,
   * no thread-pool reads), else a stream that closes the descriptor when it ends.
   */
  forHttp(): Buffer | Readable {
    if (this.bytes || this.length <= READ_AT_ONCE_MAX) return this.buffer();
    return this.stream();
  }

  /** Stream the bytes (for HTTP); the descriptor closes when the stream ends. */
  stream(): Readable {
    if (this.bytes) throw new Error("an inline body is read at once");
    this.claim();
    // MiB reads into pooled blocks the HTTP layer hands back once written (no fresh
    // Buffer, page faults and GC for every MiB of a large GET).
    return new FileRangeStream(this.fd, this.start, this.length);
  }

  /** Read the bytes at once (in-process calls) and close. */
  buffer(): Buffer {
    this.claim();
    if (this.bytes) return this.bytes.subarray(this.start, this.start + this.length);
    try {
      const out = Buffer.alloc(this.length);
      let done = 0;
      while (done < this.length) {
        const n = fs.readSync(this.fd, out, done, this.length - done, this.start + done);
        if (n === 0) break;
        done += n;
      }
      return out;
    } finally {
      fs.closeSync(this.fd);
    }
  }

  /** Release without reading (HEAD, errors after open). */
  close(): void {
    if (this.used) return;
    this.used = true;
    if (this.fd >= 0) fs.closeSync(this.fd);
  }

  private claim(): void {
    if (this.used) throw new Error("object body already consumed");
    this.used = true;
  }
}
