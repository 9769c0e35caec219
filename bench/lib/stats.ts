/**
 * The arithmetic every benchmark here shares: the median of a round's samples, and the
 * CPU a call costs this process.
 */

/** The middle sample (the upper of the two middles for an even count); NaN when there is none. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
}

export interface PerCallOptions {
  /** Calls made first and not counted (JIT, caches, connections). */
  warmup: number;
  /** How many calls to count; when absent, as many as take ~`spanMs` of wall time, at least `minCalls`. */
  calls?: number;
  spanMs?: number;
  minCalls?: number;
}

/** This process's CPU (user + system) in µs per call of `fn`, after a warm-up. */
export async function cpuUsPerCall(fn: () => unknown, opts: PerCallOptions): Promise<number> {
  for (let i = 0; i < opts.warmup; i++) await fn();
  const calls = opts.calls ?? (await callsFilling(fn, opts.spanMs ?? 300, opts.minCalls ?? 20));
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) await fn();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / calls;
}

/** How many calls of `fn` take about `spanMs`, judged from a third of that span. */
async function callsFilling(fn: () => unknown, spanMs: number, minCalls: number): Promise<number> {
  const probeMs = spanMs / 3;
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < probeMs) (await fn(), n++);
  return Math.max(minCalls, Math.round((n * spanMs) / probeMs));
}
