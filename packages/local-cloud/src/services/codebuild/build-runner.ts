/**
 * Runs one build on this machine: the buildspec's phases in order, each phase's
 * commands in one `/bin/sh` (so a `cd` or an exported variable carries to the next
 * command, as in CodeBuild's shell), in the build's own source directory, with the
 * build's environment and nothing of the host's but PATH. The project's image is not
 * pulled: commands run on the host's tools (its Node.js among them).
 *
 * CodeBuild's rules kept: a failing install or pre_build ends the build; a failing build
 * phase still runs post_build; the build times out at its timeout (TIMED_OUT) and a stop
 * ends it (STOPPED); every line goes to the build's CloudWatch Logs stream.
 */
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { PHASES, type BuildSpec, type PhaseName } from "./buildspec.js";
import type { BuildStatus } from "./store.js";

export interface RunHooks {
  /** One line of the build's log (CodeBuild's "[Container] …" lines and the commands' output). */
  log(line: string): void;
  phaseStarted(phase: string): void;
  phaseEnded(phase: string, status: BuildStatus, message?: string): void;
}

export interface RunningBuild {
  /** Settles with the build's final status once its last process has ended. */
  done: Promise<BuildStatus>;
  stop(): void;
}

/** PATH of a build: the host's Node.js first (standing in for the image's), then the system's. */
const BUILD_PATH = [path.dirname(process.execPath), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].join(":");

function stamp(): string {
  return new Date().toISOString().replace("T", " ").replace(/-/g, "/").slice(0, 19);
}

export function runBuild(opts: { spec: BuildSpec; dir: string; env: Record<string, string>; timeoutMs: number; hooks: RunHooks }): RunningBuild {
  const { spec, dir, env, hooks } = opts;
  let child: ChildProcess | undefined;
  let ending: "STOPPED" | "TIMED_OUT" | undefined;
  const end = (why: "STOPPED" | "TIMED_OUT") => {
    ending ??= why;
    if (child?.pid) killGroup(child.pid);
  };
  const timer = setTimeout(() => end("TIMED_OUT"), opts.timeoutMs);
  timer.unref();

  const runPhase = (phase: PhaseName, commands: string[]): Promise<number> => {
    hooks.log(`[Container] ${stamp()} Entering phase ${phase.toUpperCase()}`);
    if (commands.length === 0) return Promise.resolve(0);
    // One shell per phase; `set -e` ends it at the first failing command, as CodeBuild does.
    const script = ["set -e", ...commands.flatMap((c) => [`printf '%s\\n' ${shellQuote(`[Container] ${stamp()} Running command ${c}`)}`, c])].join("\n");
    return new Promise((resolve) => {
      const proc = spawn("/bin/sh", ["-c", script], {
        cwd: dir,
        env: { PATH: BUILD_PATH, HOME: dir, ...env },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      child = proc;
      try {
        os.setPriority(proc.pid!, 10);
      } catch {
        // The priority is a courtesy to the server; a build runs without it.
      }
      for (const stream of [proc.stdout!, proc.stderr!]) lines(stream, hooks.log);
      proc.on("error", (err) => {
        hooks.log(`[Container] ${stamp()} ${err.message}`);
        resolve(127);
      });
      proc.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  };

  const done = (async (): Promise<BuildStatus> => {
    let status: BuildStatus = "SUCCEEDED";
    for (const phase of PHASES) {
      const commands = spec.phases[phase];
      if (commands === undefined) continue;
      // After a failed build phase only post_build runs; after any other failure nothing does.
      if (status !== "SUCCEEDED" && phase !== "post_build") continue;
      if (ending) break;
      hooks.phaseStarted(phase.toUpperCase());
      const code = await runPhase(phase, commands);
      const phaseStatus: BuildStatus = ending ?? (code === 0 ? "SUCCEEDED" : "FAILED");
      const message = code === 0 ? undefined : `Error while executing command. Reason: exit status ${code}`;
      hooks.phaseEnded(phase.toUpperCase(), phaseStatus, ending ? undefined : message);
      hooks.log(`[Container] ${stamp()} Phase complete: ${phase.toUpperCase()} State: ${phaseStatus}`);
      if (phaseStatus !== "SUCCEEDED") {
        if (ending) break;
        if (status === "SUCCEEDED") status = "FAILED";
        if (phase !== "build") break;
      }
    }
    clearTimeout(timer);
    return ending ?? status;
  })();

  return { done, stop: () => end("STOPPED") };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    for (const p of parts) onLine(p);
  });
  stream.on("end", () => {
    if (rest) onLine(rest);
  });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
