/**
 * A readable object body, opened when the operation ran: the descriptor keeps the
 * bytes reachable even if the key is overwritten or deleted before they are sent.
 */
import fs from "node:fs";
import type { Readable } from "node:stream";

export class ObjectBody {
  private used = false;

  constructor(
    private readonly fd: number,
    /** First byte served. */
    readonly start: number,
    /** Bytes served. */
    readonly length: number,
  ) {}

  /** Stream the bytes (for HTTP); the descriptor closes when the stream ends. */
  stream(): Readable {
    this.claim();
    return fs.createReadStream("", {
      fd: this.fd,
      start: this.start,
      end: this.length === 0 ? this.start : this.start + this.length - 1,
      autoClose: true,
      // An empty body must not read a byte: createReadStream's end is inclusive.
      ...(this.length === 0 ? { highWaterMark: 1 } : {}),
    });
  }

  /** Read the bytes at once (in-process calls) and close. */
  buffer(): Buffer {
    this.claim();
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
    fs.closeSync(this.fd);
  }

  private claim(): void {
    if (this.used) throw new Error("object body already consumed");
    this.used = true;
  }
}
