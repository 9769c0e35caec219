/**
 * The local processes of Services under `sst dev` (their `dev.command`): started after
 * a deploy, restarted when a redeploy changes their command, folder or environment,
 * stopped when the Service goes away and when `sst dev` stops. Each runs through the
 * shell in a process group of its own, so stopping it stops what the command started
 * (`npm run dev` and the server under it) and nothing else. Their output is printed
 * line by line under the Service's name.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Ui } from "../cli/ui.js";
import type { LocalServiceSpec } from "./local-services.js";

/** How long a stopped process gets to exit on SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 3000;

interface Running {
  spec: LocalServiceSpec;
  child: ChildProcess;
  exited: Promise<void>;
  stopping: boolean;
}

export class ServiceProcesses {
  private readonly running = new Map<string, Running>();
  private readonly killOnExit = () => {
    // Last resort when the dev process exits without stop(): leave no orphans.
    for (const r of this.running.values()) killGroup(r.child, "SIGKILL");
  };

  constructor(private readonly ui: Ui, private readonly baseEnv: NodeJS.ProcessEnv = process.env) {
    process.on("exit", this.killOnExit);
  }

  /** The pids of the running processes' groups, by Service id (for tests and the Console). */
  get pids(): Record<string, number> {
    return Object.fromEntries([...this.running].map(([id, r]) => [id, r.child.pid!]));
  }

  /** Makes the running processes match `specs`. */
  async sync(specs: LocalServiceSpec[]): Promise<void> {
    const wanted = new Map(specs.map((s) => [s.id, s]));
    for (const [id, r] of [...this.running]) {
      const next = wanted.get(id);
      if (next && next.fingerprint === r.spec.fingerprint && r.child.exitCode === null && r.child.signalCode === null) {
        wanted.delete(id);
        continue;
      }
      await this.stop(id, next ? "restarting it: its command or environment changed" : "stopping it: the Service is gone");
    }
    for (const spec of wanted.values()) this.start(spec);
  }

  /** Stops every process (`sst dev` stopping). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
    process.off("exit", this.killOnExit);
  }

  private start(spec: LocalServiceSpec): void {
    const env: NodeJS.ProcessEnv = { ...this.baseEnv, ...spec.environment };
    // The child's credentials are the role's: a profile of the developer's would override them.
    delete env.AWS_PROFILE;
    if (!spec.environment.AWS_SESSION_TOKEN) delete env.AWS_SESSION_TOKEN;
    const child = spawn(spec.command, {
      cwd: spec.directory,
      env,
      shell: true,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const r: Running = { spec, child, stopping: false, exited: new Promise((resolve) => child.once("exit", () => resolve())) };
    this.running.set(spec.id, r);
    const label = `Service "${spec.id}"`;
    forwardLines(child.stdout!, (l) => this.ui.line(`|  ${spec.id} ${l}`));
    forwardLines(child.stderr!, (l) => this.ui.line(`|  ${spec.id} ${l}`));
    child.once("error", (err) => this.ui.error(`${label}: could not run dev.command "${spec.command}" in ${spec.directory}: ${err.message}`));
    child.once("exit", (code, signal) => {
      if (r.stopping) return;
      if (this.running.get(spec.id) === r) this.running.delete(spec.id);
      this.ui.error(`${label}: dev.command "${spec.command}" exited ${signal ? `on ${signal}` : `with code ${code}`}; it starts again on the next deploy`);
    });
    this.ui.info(`${label}: running "${spec.command}" in ${spec.directory}${spec.url ? ` (${spec.url})` : ""}`);
  }

  private async stop(id: string, why?: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    r.stopping = true;
    if (why) this.ui.line(`|  Service "${id}": ${why}`);
    if (r.child.exitCode !== null || r.child.signalCode !== null) return;
    killGroup(r.child, "SIGTERM");
    const timer = setTimeout(() => killGroup(r.child, "SIGKILL"), STOP_GRACE_MS);
    await r.exited;
    clearTimeout(timer);
  }
}

/** Signals the child's process group (it leads one: spawned detached). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function forwardLines(stream: NodeJS.ReadableStream, line: (l: string) => void): void {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (d: string) => {
    const parts = (rest + d).split(/\r?\n/);
    rest = parts.pop()!;
    for (const p of parts) line(p);
  });
  stream.on("end", () => {
    if (rest) line(rest);
  });
}
