/**
 * The measurement the data-plane benchmarks share: each target is a function sending one
 * request; after a check that it answers as expected and a warm-up, each round sends
 * `requests` sequential requests to every target in turn and charges the process tree's
 * CPU to it. Prints µs CPU per request (median over the rounds) and the ratio to the first
 * target, the baseline measured in the same run.
 */
import { treeCpuUs, machineLoad } from "./proc.js";
import { median } from "./stats.js";

export interface CpuComparison {
  rounds: number;
  requests: number;
  warmup?: number;
  /** Throws when a target's first answer is not what the benchmark means to measure. */
  check(name: string, status: number, text: string): void;
}

export async function compareRequestCpu(targets: Record<string, () => Promise<Response>>, opts: CpuComparison): Promise<void> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (const [name, send] of Object.entries(targets)) {
    const res = await send();
    opts.check(name, res.status, await res.text());
    for (let i = 0; i < (opts.warmup ?? 50); i++) await (await send()).arrayBuffer();
  }
  for (let r = 0; r < opts.rounds; r++) {
    for (const [name, send] of Object.entries(targets)) {
      const cpu0 = treeCpuUs(process.pid);
      for (let i = 0; i < opts.requests; i++) await (await send()).arrayBuffer();
      samples[name]!.push((treeCpuUs(process.pid) - cpu0) / opts.requests);
    }
  }
  const baseline = median(Object.values(samples)[0]!);
  console.log(`load: ${machineLoad()}; ${opts.rounds} rounds × ${opts.requests} sequential requests each`);
  for (const [name, xs] of Object.entries(samples)) {
    console.log(`${name.padEnd(44)} ${median(xs).toFixed(0).padStart(6)} µs CPU/request  ×${(median(xs) / baseline).toFixed(2)} of baseline`);
  }
}
