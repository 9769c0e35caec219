/**
 * Deploying an app's cloud assembly to (and removing it from) the local cloud: the
 * one deploy path `sst dev`, `sst deploy` and `sst remove` share.
 */
import type { CloudHandle } from "./local-cloud.js";
import type { SynthResult } from "./project-like.js";
import type { StackOutputs } from "./outputs.js";

export interface DeployEventPrinter {
  (event: any): void;
}

/** Stacks of a synth matching a filter — the stack's id as written in the app ("API", the end of "{stage}-{app}-API") or its full name — or all of them. */
export function selectStacks(synth: SynthResult, filter?: string): string[] {
  const all = synth.stacks;
  if (!filter) return all.map((s) => s.stackName);
  const picked = all.filter((s) => s.id === filter || s.stackName === filter || s.stackName.endsWith(`-${filter}`));
  if (!picked.length)
    throw new Error(`No stack matches "${filter}". Stacks: ${all.map((s) => s.stackName).join(", ") || "(none)"}`);
  return picked.map((s) => s.stackName);
}

export async function deployToLocal(
  cloud: CloudHandle,
  synth: SynthResult,
  opts: { stacks?: string[]; onEvent?: DeployEventPrinter } = {},
): Promise<StackOutputs> {
  if (typeof cloud.cloudformation?.deployAssembly !== "function")
    throw new Error("This local cloud has no CloudFormation engine (local-cloud services/cloudformation), so nothing can be deployed");
  const result = await cloud.cloudformation.deployAssembly(synth.assemblyDir, {
    ...(opts.stacks ? { stacks: opts.stacks } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  });
  const outputs: StackOutputs = {};
  // In synth order (dependencies first), which reads better than engine order.
  const order = synth.stacks.map((s) => s.stackName);
  const names = Object.keys(result.stacks).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const name of names) outputs[name] = userOutputs(result.stacks[name].outputs ?? {});
  return outputs;
}

/**
 * The outputs an app declared: CDK's cross-stack exports ("ExportsOutput…") and SST's
 * metadata are plumbing, and SST v2 leaves them out of what it prints and writes.
 */
export function userOutputs(outputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).filter(([k]) => !k.startsWith("ExportsOutput") && k !== "SSTMetadata"));
}

/** Removes stacks, dependants first (the reverse of synth order). */
export async function removeFromLocal(cloud: CloudHandle, synth: SynthResult, stackNames: string[]): Promise<void> {
  if (typeof cloud.cloudformation?.removeStacks !== "function")
    throw new Error("This local cloud has no CloudFormation engine (local-cloud services/cloudformation), so nothing can be removed");
  const order = synth.stacks.map((s) => s.stackName);
  const sorted = [...stackNames].sort((a, b) => order.indexOf(b) - order.indexOf(a));
  await cloud.cloudformation.removeStacks(sorted);
}

/** One line for a deploy progress event, whatever fields the engine sends. */
export function describeDeployEvent(event: any): string {
  if (!event || typeof event !== "object") return String(event);
  const parts = [event.stackName, event.logicalId ?? event.logicalResourceId, event.resourceType, event.status ?? event.resourceStatus, event.reason ?? event.statusReason];
  return parts.filter(Boolean).join("  ");
}
