/**
 * A benchmark client for large bodies that costs less than any server it measures: one
 * keep-alive HTTP/1.1 connection on a raw socket, the request written as a head string
 * and the caller's body Buffer (no copy), the answer read into one fixed buffer
 * (`onread`, so no allocation per read) whose body bytes are counted and dropped. Node's
 * http client parses with llhttp, allocates a Buffer per read and emits a `data` event
 * for each: for an 8 MiB GET it cost about as much CPU as the server, so on two cores
 * it capped every server at the same figure.
 *
 * Answers must carry Content-Length (a chunked answer is an error here: the S3 and
 * file servers measured must not fall back to it for a known-length body).
 */
import net from "node:net";

export interface RawAnswer {
  status: number;
  /** Body bytes received. */
  bytes: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
}

const READ_BUFFER = 1024 * 1024;
const HEAD_END = Buffer.from("\r\n\r\n");

export class RawHttpClient {
  private readonly socket: net.Socket;
  private readonly ready: Promise<void>;
  private pending?: { resolve(a: RawAnswer): void; reject(e: Error): void; head: Buffer[]; headBytes: number; answer?: RawAnswer; left: number };

  constructor(readonly port: number) {
    this.socket = net.connect({
      host: "127.0.0.1",
      port,
      noDelay: true,
      onread: { buffer: Buffer.allocUnsafe(READ_BUFFER), callback: (n, buf) => (this.received(buf.subarray(0, n) as Buffer), true) },
    });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once("connect", resolve);
      this.socket.once("error", reject);
    });
    this.socket.on("error", (err) => this.fail(err));
    this.socket.on("close", () => this.fail(new Error("connection closed")));
  }

  /**
   * Sends one request and resolves when its whole answer has been read. A `repeat` body
   * is one Buffer sent `times` times, waiting for the socket to drain between writes, so
   * a GiB upload needs no GiB in the client.
   */
  async request(method: string, path: string, headers: Record<string, string | number> = {}, body?: Buffer | { repeat: Buffer; times: number }): Promise<RawAnswer> {
    await this.ready;
    if (this.pending) throw new Error("one request at a time");
    const parts = body === undefined ? { repeat: Buffer.alloc(0), times: 0 } : Buffer.isBuffer(body) ? { repeat: body, times: 1 } : body;
    let head = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1:${this.port}\r\ncontent-length: ${parts.repeat.length * parts.times}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    head += "\r\n";
    const answer = new Promise<RawAnswer>((resolve, reject) => (this.pending = { resolve, reject, head: [], headBytes: 0, left: 0 }));
    this.socket.cork();
    this.socket.write(head, "latin1");
    if (parts.times > 0) this.socket.write(parts.repeat);
    this.socket.uncork();
    for (let i = 1; i < parts.times && this.pending; i++) {
      if (!this.socket.write(parts.repeat)) await new Promise((resolve) => this.socket.once("drain", resolve));
    }
    return answer;
  }

  close(): void {
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    const p = this.pending;
    if (!p) return;
    let rest = chunk;
    if (!p.answer) {
      // Only the head is copied (it may straddle reads); the body never is.
      p.head.push(Buffer.from(chunk));
      p.headBytes += chunk.length;
      const all = p.head.length === 1 ? p.head[0]! : Buffer.concat(p.head, p.headBytes);
      const end = all.indexOf(HEAD_END);
      if (end < 0) return;
      const lines = all.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const status = Number(lines[0]!.split(" ")[1]);
      if (headers["transfer-encoding"]) return this.fail(new Error(`answer is ${headers["transfer-encoding"]}, not Content-Length`));
      if (headers["content-length"] === undefined && status !== 204 && status !== 304) return this.fail(new Error("answer has no Content-Length"));
      p.answer = { status, bytes: 0, headers };
      p.left = Number(headers["content-length"] ?? 0);
      rest = all.subarray(end + 4);
    }
    const take = Math.min(rest.length, p.left);
    p.answer.bytes += take;
    p.left -= take;
    if (p.left === 0) {
      this.pending = undefined;
      p.resolve(p.answer);
    }
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }
}
