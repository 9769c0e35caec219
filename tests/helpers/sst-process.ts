/**
 * Runs the `sst` CLI as a child process, the way a user would, and lets a test wait
 * for lines of its output.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { sstBin, sstNodeArgs } from "./app-copy.js";

/**
 * The environment of a machine with no AWS account, whatever the machine running the
 * tests has: the target rule then picks the local cloud, as for a new user, and no test
 * reaches a real account by accident. Tests of the AWS target pass credentials (and the
 * local cloud's endpoint) on top.
 */
export const NO_AWS_CREDENTIALS: Record<string, string> = {
  AWS_ACCESS_KEY_ID: "",
  AWS_SECRET_ACCESS_KEY: "",
  AWS_SESSION_TOKEN: "",
  AWS_PROFILE: "",
  AWS_WEB_IDENTITY_TOKEN_FILE: "",
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "",
  AWS_CONTAINER_CREDENTIALS_FULL_URI: "",
  AWS_CONFIG_FILE: "/nonexistent/aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  SST_TARGET: "",
};

export class SstProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private waiters: { re: RegExp; from: number; resolve: (line: string) => void }[] = [];
  readonly exited: Promise<number | null>;

  /** `nodeArgs`: flags for Node itself (e.g. --cpu-prof, which NODE_OPTIONS may not carry). */
  constructor(cwd: string, args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
    this.child = spawn(process.execPath, [...sstNodeArgs, ...nodeArgs, sstBin, ...args], {
      cwd,
      env: { ...process.env, ...NO_AWS_CREDENTIALS, CDK_VALIDATION: "false", NO_COLOR: "1", ...env },
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

  /** The CLI's process id (functions `sst dev` runs from source run in child processes of it). */
  get pid(): number {
    return this.child.pid!;
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
  const res = spawnSync(process.execPath, [...sstNodeArgs, sstBin, ...args], {
    cwd,
    env: { ...process.env, ...NO_AWS_CREDENTIALS, CDK_VALIDATION: "false", NO_COLOR: "1", ...env },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr, output: res.stdout + res.stderr };
}
