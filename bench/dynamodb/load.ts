/**
 * A deliberately cheap HTTP/1.1 load generator: N keep-alive sockets, one request in
 * flight on each, pre-built request buffers, and a response parser that only looks for
 * the end of the head and Content-Length (or the last chunk). node:http's client costs
 * several times more CPU per request than the servers under test, which would make the
 * generator the bottleneck on a 2-core machine.
 */
import net from "node:net";

export interface LoadResult {
  rps: number;
  /** Median and 99th percentile latency in ms. */
  p50: number;
  p99: number;
  errors: number;
  /** First non-200 response seen, for diagnosis. */
  sample?: string;
}

const HEAD_END = Buffer.from("\r\n\r\n");
const LAST_CHUNK = Buffer.from("\r\n0\r\n\r\n");

/** Fires `requests` round-robin for `seconds` on `connections` sockets. */
export function load(port: number, requests: Buffer[], seconds: number, connections: number): Promise<LoadResult> {
  return new Promise((resolve) => {
    const latencies: number[] = [];
    let next = 0;
    let errors = 0;
    let sample: string | undefined;
    let open = connections;
    const start = performance.now();
    const end = start + seconds * 1000;

    const connection = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      let pending: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      const send = () => {
        sentAt = performance.now();
        socket.write(requests[next++ % requests.length]!);
      };
      socket.on("connect", send);
      // An error is always followed by "close", which does the bookkeeping.
      socket.on("error", (err) => {
        errors++;
        sample ??= String(err);
      });
      socket.on("data", (chunk: Buffer) => {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        const headEnd = pending.indexOf(HEAD_END);
        if (headEnd < 0) return;
        const head = pending.toString("latin1", 0, headEnd);
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        let total: number;
        if (m) {
          total = headEnd + 4 + Number(m[1]);
          if (pending.length < total) return;
        } else {
          // Chunked: complete once the terminating zero-length chunk arrived.
          if (pending.length < 5 || pending.indexOf(LAST_CHUNK, headEnd) < 0) return;
          total = pending.length;
        }
        const status = pending.toString("latin1", 9, 12);
        if (status !== "200") {
          errors++;
          sample ??= pending.toString("utf8", 0, Math.min(total, 400));
        }
        pending = pending.length > total ? pending.subarray(total) : Buffer.alloc(0);
        const now = performance.now();
        latencies.push(now - sentAt);
        if (now < end) send();
        else socket.end();
      });
      socket.on("close", () => {
        if (--open === 0) finish();
      });
    };

    const finish = () => {
      const elapsed = (performance.now() - start) / 1000;
      latencies.sort((a, b) => a - b);
      resolve({
        rps: latencies.length / elapsed,
        p50: latencies[Math.floor(latencies.length / 2)] ?? NaN,
        p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
        errors,
        sample,
      });
    };
    for (let i = 0; i < connections; i++) connection();
  });
}
