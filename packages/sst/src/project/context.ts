/**
 * CDK context lookups (`HostedZone.fromLookup`, a stack's availability zones, …).
 * Like SST v2, synth reads `cdk.json`'s context and `cdk.context.json`, runs the
 * stacks, and when CDK reports values it does not know, asks a provider and runs the
 * stacks again. The local provider answers what a local cloud can (zones of the
 * region, a hosted zone per domain, made up and stable); what it cannot answer fails
 * synth naming the lookup, never deploying CDK's dummy value. An AWS target passes a
 * provider that asks AWS (toolkit-lib's context providers).
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import type * as cdk from "aws-cdk-lib";

export interface MissingContext {
  key: string;
  provider: string;
  props: Record<string, unknown>;
}

/** Answers lookups by key; keys it cannot answer are left out. */
export type ContextProvider = (missing: MissingContext[]) => Promise<Record<string, unknown>>;

/** `context` of cdk.json, overlaid with cdk.context.json (where CDK writes its lookups). */
export function readProjectContext(root: string): Record<string, unknown> {
  const read = (file: string): Record<string, unknown> => {
    const p = path.join(root, file);
    if (!fs.existsSync(p)) return {};
    try {
      return JSON.parse(fs.readFileSync(p, "utf8"));
    } catch (e) {
      throw new Error(`${p}: not valid JSON (${(e as Error).message})`);
    }
  };
  return { ...((read("cdk.json").context as Record<string, unknown>) ?? {}), ...read("cdk.context.json") };
}

/** The lookups the app's stacks asked for and did not find in the context. */
export function missingContext(app: cdk.App): MissingContext[] {
  const out = new Map<string, MissingContext>();
  for (const child of app.node.findAll()) {
    const list = (child as any)._missingContext as MissingContext[] | undefined;
    if (!Array.isArray(list)) continue;
    for (const m of list) out.set(m.key, m);
  }
  return [...out.values()];
}

/**
 * Local answers: three availability zones per region, and for a hosted zone a stable
 * made-up id for the domain (the local cloud has no Route 53; records are inert).
 */
export const localContextProvider: ContextProvider = async (missing) => {
  const answers: Record<string, unknown> = {};
  for (const m of missing) {
    if (m.provider === "availability-zones") {
      const region = String(m.props.region ?? "us-east-1");
      answers[m.key] = [`${region}a`, `${region}b`, `${region}c`];
    } else if (m.provider === "hosted-zone") {
      const domainName = String(m.props.domainName ?? "").replace(/\.$/, "");
      const id = "Z" + createHash("sha256").update(domainName).digest("hex").slice(0, 20).toUpperCase();
      answers[m.key] = { Id: `/hostedzone/${id}`, Name: `${domainName}.` };
    }
  }
  return answers;
};

export function unresolvedLookupError(missing: MissingContext[]): Error {
  const lines = missing.map((m) => `  ${m.provider}: ${m.key}`);
  return new Error(
    `Could not resolve context values for:\n${lines.join("\n")}\n` +
      `Add the values to cdk.context.json in the app's root (SST v2 and the CDK CLI write them there after looking them up on AWS).`,
  );
}
