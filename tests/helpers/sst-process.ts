/**
 * Runs the `sst` CLI as a child process, the way a user would, and lets a test wait
 * for lines of its output.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { sstBin } from "./app-copy.js";

export class SstProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private waiters: { re: RegExp; from: number; resolve: (line: string) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(cwd: string, args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [sstBin, ...args], {
      cwd,
      env: { ...process.env, CDK_VALIDATION: "false", NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let buffered = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          this.push(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
        }
      });
    }
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  private push(line: string) {
    this.lines.push(line);
    if (process.env.SST_TEST_ECHO) console.log(`  | ${line}`);
    this.waiters = this.waiters.filter((w) => {
      if (w.re.test(line)) {
        w.resolve(line);
        return false;
      }
      return true;
    });
  }

  /** Resolves with the first line (after `from`) matching `re`. */
  waitFor(re: RegExp, timeoutMs = 60_000, from = 0): Promise<string> {
    const seen = this.lines.slice(from).find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Timed out waiting for ${re}. Output so far:\n${this.lines.join("\n")}`));
      }, timeoutMs);
      this.waiters.push({
        re,
        from,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`sst exited (${code}) while waiting for ${re}. Output:\n${this.lines.join("\n")}`));
      });
    });
  }

  get output(): string {
    return this.lines.join("\n");
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Run an sst command to completion (killed after `timeoutMs`). */
export function runSst(cwd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000) {
  const res = spawnSync(process.execPath, [sstBin, ...args], {
    cwd,
    env: { ...process.env, CDK_VALIDATION: "false", NO_COLOR: "1", ...env },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr, output: res.stdout + res.stderr };
}
