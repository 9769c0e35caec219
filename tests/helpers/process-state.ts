/**
 * Whether a process still runs, for tests that check a child (and what it started) is
 * stopped. A zombie — exited, waiting for its parent (or, orphaned, for init) to reap
 * it — counts as stopped: `kill(pid, 0)` alone would still find it.
 */
import fs from "node:fs";

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    // No /proc (not Linux): kill(pid, 0) is what there is.
    return true;
  }
}
