/**
 * `sst diff`: each stack of a synthesized app against the template its stage runs now,
 * with CDK's own template differ (@aws-cdk/cloudformation-diff), shown the way SST v2
 * shows it — only resource and output changes (IAM and security-group tables, template
 * sections and SST's metadata output are left out), each resource named by its
 * construct path.
 */
import fs from "node:fs";
import { Writable } from "node:stream";
import type { SynthResult } from "./project-like.js";

export interface StackDiff {
  stackName: string;
  /** "new": not deployed yet; "unchanged"; "changed" with `count` changes and their text. */
  status: "new" | "unchanged" | "changed";
  count: number;
  text?: string;
}

/** The deployed template of a stack, or undefined when the stack does not exist. */
export type DeployedTemplate = (stackName: string) => Promise<Record<string, unknown> | undefined>;

/** Logical id → construct path, from the assembly's `aws:cdk:logicalId` metadata. */
async function logicalPaths(assemblyDir: string, stackName: string): Promise<Record<string, string>> {
  const { CloudAssembly } = await import("aws-cdk-lib/cx-api");
  const assembly = new CloudAssembly(assemblyDir);
  const stack = assembly.stacks.find((s) => s.stackName === stackName);
  const map: Record<string, string> = {};
  for (const entry of stack?.findMetadataByType("aws:cdk:logicalId") ?? []) map[String(entry.data)] = entry.path;
  return map;
}

/** One stack's differences as SST v2 counts and prints them, or undefined when there are none. */
export async function diffTemplates(
  deployed: Record<string, unknown>,
  next: Record<string, unknown>,
  paths: Record<string, string> = {},
): Promise<{ count: number; text: string } | undefined> {
  const { fullDiff, formatDifferences, DifferenceCollection } = await import("@aws-cdk/cloudformation-diff");
  const diff = fullDiff(deployed, next);
  const outputs = new DifferenceCollection<any, any>({ ...diff.outputs.changes });
  outputs.remove("SSTMetadata");
  const count = diff.resources.differenceCount + outputs.differenceCount;
  if (count === 0) return undefined;
  // The same diff, but only its resources and outputs.
  const none = new DifferenceCollection<any, any>({});
  const view = Object.assign(Object.create(Object.getPrototypeOf(diff)), diff, {
    awsTemplateFormatVersion: undefined,
    transform: undefined,
    description: undefined,
    parameters: none,
    metadata: none,
    mappings: none,
    conditions: none,
    unknown: none,
    outputs,
    iamChanges: { hasChanges: false },
    securityGroupChanges: { hasChanges: false },
  });
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  formatDifferences(stream as any, view, paths);
  const text = chunks
    .join("")
    .split("\n")
    .map((l) => (l ? `   ${l}` : l))
    .join("\n")
    .replace(/\s+$/, "");
  return { count, text };
}

export async function diffStacks(synth: SynthResult, deployedTemplate: DeployedTemplate): Promise<StackDiff[]> {
  const out: StackDiff[] = [];
  for (const stack of synth.stacks) {
    const current = await deployedTemplate(stack.stackName);
    if (!current) {
      out.push({ stackName: stack.stackName, status: "new", count: 0 });
      continue;
    }
    const next = JSON.parse(fs.readFileSync(stack.templateFile!, "utf8"));
    const result = await diffTemplates(current, next, await logicalPaths(synth.assemblyDir, stack.stackName));
    out.push(result ? { stackName: stack.stackName, status: "changed", ...result } : { stackName: stack.stackName, status: "unchanged", count: 0 });
  }
  return out;
}

/** A CloudFormation GetTemplate through any SDK client config: AWS, or a local cloud's endpoint. */
export function cloudFormationTemplates(config: Record<string, unknown>): { get: DeployedTemplate; close(): void } {
  let client: any;
  let sdk: any;
  return {
    async get(stackName) {
      sdk ??= await import("@aws-sdk/client-cloudformation");
      client ??= new sdk.CloudFormationClient(config);
      try {
        const out = await client.send(new sdk.GetTemplateCommand({ StackName: stackName, TemplateStage: "Original" }));
        return out.TemplateBody ? JSON.parse(out.TemplateBody) : undefined;
      } catch (err) {
        if ((err as Error).name === "ValidationError" && /does not exist/.test((err as Error).message)) return undefined;
        throw err;
      }
    },
    close: () => client?.destroy(),
  };
}
