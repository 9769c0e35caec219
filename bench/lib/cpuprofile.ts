/**
 * Reads a V8 .cpuprofile and prints where the time went inside a time window (start-up
 * and shutdown left out): the hottest functions by self time and by inclusive time, as
 * shares of the busy (non-idle) time. Timestamps are the monotonic clock in µs, the same
 * clock as `process.hrtime` in any process on the machine.
 */
import fs from "node:fs";

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

interface LoadedProfile {
  byId: Map<number, any>;
  parent: Map<number, number>;
  /** Calls `each` with every busy (non-idle) sample inside the window and its duration (µs). */
  busySamples(window: { start: number; end: number }, each: (node: any, us: number) => void): void;
}

function loadProfile(file: string): LoadedProfile {
  const prof = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return {
    byId,
    parent,
    busySamples(window, each) {
      let at = prof.startTime;
      for (let i = 0; i < prof.samples.length; i++) {
        at += prof.timeDeltas[i] ?? 0;
        if (at < window.start || at > window.end) continue;
        const node = byId.get(prof.samples[i])!;
        if (node.callFrame.functionName !== "(idle)") each(node, prof.timeDeltas[i] ?? 0);
      }
    },
  };
}

export function summarizeProfile(file: string, window: { start: number; end: number }, top = 30): string[] {
  const { byId, parent, busySamples } = loadProfile(file);
  const label = (n: any) => `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let busy = 0;
  busySamples(window, (node, d) => {
    busy += d;
    self.set(label(node), (self.get(label(node)) ?? 0) + d);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id));
      if (!seen.has(l)) incl.set(l, (incl.get(l) ?? 0) + d), seen.add(l);
    }
  });
  const out = [`busy ${(busy / 1000).toFixed(0)} ms of ${((window.end - window.start) / 1000).toFixed(0)} ms`];
  const show = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, v]) => out.push(`${((v / busy) * 100).toFixed(1).padStart(5)}% ${k}`));
  out.push("--- self (% of busy time)");
  show(self, top);
  out.push("--- inclusive");
  show(incl, top * 2);
  return out;
}

/** The largest .cpuprofile in a directory (the main thread's, when workers wrote their own). */
export function largestProfile(dir: string): string {
  return fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => `${dir}/${f}`).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0]!;
}

/**
 * Busy time by the project source file it was spent in: each sample goes to the innermost
 * frame of a file under `root` (what a native leaf — a socket write, JSON.stringify —
 * was called from), the garbage collector to its own line, samples with no such frame
 * (Node's timers, stream internals called by the event loop alone) to "(node)". Needs a
 * profile of code run from source (sst's `SST_CLI_BUNDLE=0`): a bundle's frames name
 * its chunk, not the file.
 */
export function summarizeByFile(file: string, window: { start: number; end: number }, root: string, top = 30, perUnit?: { count: number; unit: string }): string[] {
  const { byId, parent, busySamples } = loadProfile(file);
  const areaOf = new Map<number, string>();
  const area = (id: number): string => {
    const known = areaOf.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    const url: string = n.callFrame.url;
    const at = url.indexOf(root);
    let a: string;
    if (n.callFrame.functionName === "(garbage collector)") a = "(garbage collector)";
    else if (at >= 0) a = url.slice(at + root.length).replace(/^\//, "");
    else {
      const up = parent.get(id);
      a = up === undefined ? "(node)" : area(up);
    }
    areaOf.set(id, a);
    return a;
  };
  const spent = new Map<string, number>();
  let busy = 0;
  busySamples(window, (node, d) => {
    busy += d;
    const a = area(node.id);
    spent.set(a, (spent.get(a) ?? 0) + d);
  });
  const out = [`busy ${(busy / 1000).toFixed(0)} ms, by source file under ${root} (innermost)`];
  for (const [k, v] of [...spent].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const each = perUnit ? `  ${(v / perUnit.count).toFixed(1).padStart(6)} µs/${perUnit.unit}` : "";
    out.push(`${((v / busy) * 100).toFixed(1).padStart(5)}%${each}  ${k}`);
  }
  return out;
}
