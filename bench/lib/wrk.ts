/**
 * Runs wrk (the C load generator: it costs the machine far less per request than any
 * Node client) and reads its summary: requests/s and latency percentiles.
 */
import { execFile } from "node:child_process";

export interface WrkResult {
  rps: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx/3xx, and socket errors. */
  errors: number;
}

function ms(text: string, label: string): number {
  const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)\\s*$`, "m").exec(text);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

/** `script`: a wrk Lua script (e.g. to send PUTs with a body). */
export function wrk(url: string, opts: { connections: number; seconds: number; threads?: number; script?: string; timeoutS?: number }): Promise<WrkResult> {
  const threads = Math.min(opts.threads ?? 2, opts.connections);
  const args = [`-t${threads}`, `-c${opts.connections}`, `-d${opts.seconds}s`, `--timeout`, `${opts.timeoutS ?? 10}s`, "--latency"];
  if (opts.script) args.push("-s", opts.script);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile("wrk", args, { timeout: (opts.seconds + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
      const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      const socketErrors = sock ? sock.slice(1).reduce((n, x) => n + Number(x), 0) : 0;
      resolve({ rps, requests, p50Ms: ms(stdout, "50"), p99Ms: ms(stdout, "99"), errors: non2xx + socketErrors });
    });
  });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  return s.length === 0 ? NaN : s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
};
