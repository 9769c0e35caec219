/**
 * The limits an execution environment's process runs under, and how its end is
 * reported: what stands in, on one machine, for the sandbox Lambda runs functions in.
 *
 * - Memory: the V8 heap is limited to the memory size (`--max-old-space-size`), and
 *   on Linux the whole data segment (RLIMIT_DATA, set by util-linux's `prlimit` as it
 *   execs Node) to the memory size plus `DATA_HEADROOM_MB`, so no allocation, on the
 *   heap or off it (Buffers), can take the machine's memory. Node reserves address
 *   space it never touches (the runtime with the AWS SDK loaded reserves ~100 MB for
 *   ~60 MB resident), hence the headroom; the process itself ends the environment once
 *   its resident set passes the memory size, as Lambda's OOM killer would.
 * - CPU: the process runs niced, so a handler that spins cannot starve the local
 *   cloud's own process, which stops it at its timeout.
 */
import { existsSync } from "node:fs";
import { setPriority } from "node:os";

/** Address space above the memory size that V8 and libc may reserve without using it. */
export const DATA_HEADROOM_MB = 256;
/** Nice value of environment processes: below the server, so it always gets to run. */
export const ENVIRONMENT_NICE = 5;

const PRLIMIT = ["/usr/bin/prlimit", "/bin/prlimit"].find((p) => process.platform === "linux" && existsSync(p));

/** Whether allocations beyond the memory size are refused (Linux with util-linux), not only detected. */
export const hardMemoryLimit = PRLIMIT !== undefined;

/**
 * Node's heap flags for a `memoryMb` function: the old generation may use the memory
 * size; the young generation is sized to it too (V8's default lets it grow to 48 MB
 * under a high allocation rate, a lot beside a 128 MB function, and resident memory
 * the local cloud's own machine pays for every environment).
 */
export function heapFlags(memoryMb: number): string[] {
  const semiSpaceMb = Math.min(16, Math.max(1, Math.round(memoryMb / 256)));
  return [`--max-old-space-size=${memoryMb}`, `--max-semi-space-size=${semiSpaceMb}`];
}

/** The command that starts `node args…` inside the memory limit of a `memoryMb` function. */
export function sandboxCommand(node: string, args: string[], memoryMb: number): { command: string; args: string[] } {
  if (!PRLIMIT) return { command: node, args };
  const bytes = (memoryMb + DATA_HEADROOM_MB) * 1024 * 1024;
  return { command: PRLIMIT, args: [`--data=${bytes}:${bytes}`, "--", node, ...args] };
}

export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, ENVIRONMENT_NICE);
  } catch {
    // Not permitted here (or the process is gone already): it then runs at normal priority.
  }
}

/** Go's names for signals, as the Lambda runtime interface reports them ("signal: killed"). */
const SIGNAL_NAMES: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: "killed",
  SIGTERM: "terminated",
  SIGABRT: "aborted",
  SIGSEGV: "segmentation fault",
  SIGBUS: "bus error",
  SIGILL: "illegal instruction",
  SIGFPE: "floating point exception",
  SIGTRAP: "trace/breakpoint trap",
  SIGINT: "interrupt",
  SIGHUP: "hangup",
  SIGQUIT: "quit",
  SIGPIPE: "broken pipe",
  SIGUSR1: "user defined signal 1",
  SIGUSR2: "user defined signal 2",
};

/** What V8 and libc print when an allocation fails for good. */
const FATAL_ALLOCATION = /heap out of memory|std::bad_alloc|Allocation failed|Fatal process out of memory|Zone Allocation failed/i;

/**
 * How Lambda describes a runtime process that ended: "exit status 3", "signal:
 * killed". Running out of memory (the process said so, or died of a failed allocation)
 * is reported as Lambda reports it for the OOM killer: killed, Runtime.OutOfMemory.
 */
export function exitDescription(
  code: number | null,
  signal: NodeJS.Signals | null,
  saidOutOfMemory: boolean,
  stderrTail: string,
): { description: string; outOfMemory: boolean } {
  if (saidOutOfMemory || (signal !== "SIGKILL" && FATAL_ALLOCATION.test(stderrTail))) return { description: "signal: killed", outOfMemory: true };
  if (signal) return { description: `signal: ${SIGNAL_NAMES[signal] ?? signal}`, outOfMemory: false };
  return { description: `exit status ${code ?? 0}`, outOfMemory: false };
}
