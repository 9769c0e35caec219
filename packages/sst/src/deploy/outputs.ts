/**
 * `.sst/outputs.json`: `{ [stackName]: { OutputKey: value } }`, as SST v2 writes it.
 * A full deploy replaces the file (so it never mixes stages); a partial deploy
 * (`sst deploy API`) merges, so deploying one stack does not forget the rest.
 */
import fs from "node:fs";
import path from "node:path";

export type StackOutputs = Record<string, Record<string, string>>;

export function readOutputs(file: string): StackOutputs {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}

export function writeOutputs(file: string, deployed: StackOutputs, opts: { merge?: boolean; removed?: string[] } = {}): StackOutputs {
  const removed = opts.removed ?? [];
  const all = { ...(opts.merge || removed.length ? readOutputs(file) : {}), ...deployed };
  for (const name of removed) delete all[name];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(all, null, 2) + "\n");
  return all;
}

/** Lines to print: each stack, then its outputs indented, keys aligned. */
export function formatOutputs(stacks: StackOutputs): string[] {
  const lines: string[] = [];
  for (const [stack, outputs] of Object.entries(stacks)) {
    lines.push(`   ${stack}`);
    const keys = Object.keys(outputs).sort();
    const width = Math.max(0, ...keys.map((k) => k.length));
    for (const k of keys) lines.push(`     ${`${k}:`.padEnd(width + 1)} ${outputs[k]}`);
  }
  return lines;
}

/** The stacks whose outputs differ between two deploys (what a redeploy prints). */
export function changedOutputs(before: StackOutputs, after: StackOutputs): StackOutputs {
  const out: StackOutputs = {};
  for (const [stack, outputs] of Object.entries(after))
    if (JSON.stringify(before[stack]) !== JSON.stringify(outputs)) out[stack] = outputs;
  return out;
}
