/**
 * CPU time and memory of a process and everything it started, read from /proc (Linux):
 * what a benchmark charges to "the sst dev process tree". Children that already exited
 * are counted through their parent's cutime/cstime (Node reaps them), so CPU spent in
 * execution environments that ended mid-round is not lost.
 */
import fs from "node:fs";

const TICK_US = 1_000_000 / 100; // USER_HZ is 100 on Linux

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime, in µs. */
  own: number;
  /** cutime + cstime (reaped children), in µs. */
  reaped: number;
  rssKb: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command may hold spaces and parentheses: fields start after the last ")".
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const num = (i: number) => Number(f[i - 3]);
    return { pid, ppid: num(4), own: (num(14) + num(15)) * TICK_US, reaped: (num(16) + num(17)) * TICK_US, rssKb: (num(24) * 4096) / 1024 };
  } catch {
    return undefined;
  }
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** The process and its descendants, now. */
export function processTree(root: number): Stat[] {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid);
    if (list) list.push(s);
    else children.set(s.ppid, [s]);
  }
  const out: Stat[] = [];
  const rootStat = stats.find((s) => s.pid === root);
  if (!rootStat) return out;
  const queue = [rootStat];
  while (queue.length) {
    const s = queue.shift()!;
    out.push(s);
    queue.push(...(children.get(s.pid) ?? []));
  }
  return out;
}

/** CPU µs used so far by the tree (live processes, plus every child they reaped). */
export function treeCpuUs(root: number): number {
  return processTree(root).reduce((n, s) => n + s.own + s.reaped, 0);
}

/** Resident memory of the tree, in MB (each process's RSS; shared pages counted in each, as `ps` does). */
export function treeRssMb(root: number): { total: number; processes: number; root: number } {
  const tree = processTree(root);
  return { total: tree.reduce((n, s) => n + s.rssKb, 0) / 1024, processes: tree.length, root: (tree[0]?.rssKb ?? 0) / 1024 };
}

/** Proportional set size of the tree (shared pages split among their users), in MB: closer to what the tree really costs. */
export function treePssMb(root: number): number {
  let kb = 0;
  for (const s of processTree(root)) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${s.pid}/smaps_rollup`, "utf8"));
      kb += Number(m?.[1] ?? 0);
    } catch {
      kb += s.rssKb;
    }
  }
  return kb / 1024;
}

/** 1-minute load average and the core count: printed with every run, a busy machine explains noise. */
export function machineLoad(): string {
  const [one] = fs.readFileSync("/proc/loadavg", "utf8").split(" ");
  return `load average ${one} on ${fs.readFileSync("/proc/cpuinfo", "utf8").split("\n").filter((l) => l.startsWith("processor")).length} cores`;
}

/** Resets a process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0; own processes only). */
export function resetPeakRss(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

/** A process's RSS now and its peak since start or since resetPeakRss, in MB. */
export function rssAndPeakMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}
