/**
 * Writes packages/local-cloud/src/wire/models/<name>.ts from AWS's published service
 * models (botocore's data files), for the operations listed in
 * packages/local-cloud/src/wire/models/operations.json. The output keeps what the wire
 * layer needs — shapes with their constraints (required, lengths, ranges, patterns,
 * enums) and wire traits (locations, XML names, flattening) — and drops documentation and
 * every shape the listed operations do not reach.
 *
 *   pip download botocore==1.43.107 --no-deps -d /tmp/bc && unzip -q /tmp/bc/botocore-*.whl -d /tmp/bc/x
 *   node --import tsx scripts/generate-aws-models.ts --botocore /tmp/bc/x/botocore/data
 *
 * SQS's current model is JSON-only; its query-protocol XML names come from the last
 * botocore that described SQS as a query service (1.34.89), given as
 * `--legacy-query <dir holding sqs/2012-11-05/service-2.json>`:
 *
 *   pip download botocore==1.34.89 --no-deps -d /tmp/bc-old && unzip -q /tmp/bc-old/botocore-*.whl -d /tmp/bc-old/x
 *   node --import tsx scripts/generate-aws-models.ts --botocore /tmp/bc/x/botocore/data --legacy-query /tmp/bc-old/x/botocore/data
 *
 * `--only <name>` regenerates one model.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const modelsDir = path.join(root, "packages/local-cloud/src/wire/models");

interface ManifestEntry {
  source: string;
  operations: string[];
  queryTraitsFrom?: { botocore: string; source: string };
}
interface Manifest {
  botocore: string;
  models: Record<string, ManifestEntry>;
}

type Json = any;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function readModel(dataDir: string, source: string): Json {
  const base = path.join(dataDir, source, "service-2.json");
  if (fs.existsSync(base)) return JSON.parse(fs.readFileSync(base, "utf8"));
  if (fs.existsSync(base + ".gz")) return JSON.parse(zlib.gunzipSync(fs.readFileSync(base + ".gz")).toString("utf8"));
  throw new Error(`No service model at ${base}(.gz)`);
}

const SHAPE_KEYS = ["type", "required", "members", "member", "key", "value", "min", "max", "pattern", "enum", "flattened", "locationName", "payload", "timestampFormat", "streaming", "union", "document"];
const MEMBER_KEYS = ["location", "locationName", "flattened", "xmlAttribute", "xmlNamespace", "jsonvalue", "timestampFormat", "idempotencyToken"];

function compactMember(member: Json): Json {
  const traits: Json = { shape: member.shape };
  for (const k of MEMBER_KEYS) if (member[k] !== undefined) traits[k] = member[k];
  return Object.keys(traits).length === 1 ? member.shape : traits;
}

function compactShape(shape: Json): Json {
  const out: Json = {};
  for (const k of SHAPE_KEYS) {
    if (shape[k] === undefined) continue;
    if (k === "members") out.members = Object.fromEntries(Object.entries(shape.members).map(([n, m]) => [n, compactMember(m)]));
    else if (k === "member" || k === "key" || k === "value") out[k] = compactMember(shape[k]);
    else out[k] = shape[k];
  }
  return out;
}

/** Adds the XML traits of the legacy query model (member and shape locationNames, flattening). */
function overlayQueryTraits(model: Json, legacy: Json): void {
  for (const [name, old] of Object.entries<Json>(legacy.shapes)) {
    const now = model.shapes[name];
    if (!now || now.type !== old.type) continue;
    for (const k of ["locationName", "flattened"]) if (old[k] !== undefined && now[k] === undefined) now[k] = old[k];
    for (const part of ["member", "key", "value"]) {
      if (old[part] && now[part]) for (const k of MEMBER_KEYS) if (old[part][k] !== undefined && now[part][k] === undefined) now[part][k] = old[part][k];
    }
    if (old.members && now.members) {
      for (const [m, oldMember] of Object.entries<Json>(old.members)) {
        const nowMember = now.members[m];
        if (!nowMember) continue;
        for (const k of MEMBER_KEYS) if (oldMember[k] !== undefined && nowMember[k] === undefined) nowMember[k] = oldMember[k];
      }
    }
  }
  for (const [name, op] of Object.entries<Json>(legacy.operations)) {
    const now = model.operations[name];
    if (now?.output && op.output?.resultWrapper) now.output.resultWrapper = op.output.resultWrapper;
  }
  model.metadata.xmlNamespace ??= legacy.metadata.xmlNamespace;
}

function reachable(model: Json, roots: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const shape = model.shapes[name];
    if (!shape) throw new Error(`Shape ${name} is referenced but not defined`);
    seen.add(name);
    if (shape.members) for (const m of Object.values<Json>(shape.members)) visit(m.shape);
    for (const part of ["member", "key", "value"]) if (shape[part]) visit(shape[part].shape);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

function generate(name: string, entry: ManifestEntry, dataDir: string, legacyDir: string | undefined, version: string): string {
  const model = readModel(dataDir, entry.source);
  if (entry.queryTraitsFrom) {
    if (!legacyDir) throw new Error(`${name} needs --legacy-query (botocore ${entry.queryTraitsFrom.botocore}'s data directory) for its query-protocol XML names`);
    overlayQueryTraits(model, readModel(legacyDir, entry.queryTraitsFrom.source));
  }
  const md = model.metadata;
  const protocol = md.protocol;
  // JSON answers are written as they are; only the other protocols need output shapes.
  const needsOutputs = protocol !== "json" || !!md.awsQueryCompatible;
  const metadata: Json = { protocol, apiVersion: md.apiVersion, signingName: md.signingName ?? md.endpointPrefix };
  if (md.jsonVersion) metadata.jsonVersion = md.jsonVersion;
  if (md.targetPrefix) metadata.targetPrefix = md.targetPrefix;
  if (md.xmlNamespace) metadata.xmlNamespace = md.xmlNamespace;
  if (md.awsQueryCompatible) metadata.awsQueryCompatible = true;

  const operations: Json = {};
  const roots: string[] = [];
  for (const opName of entry.operations) {
    const op = model.operations[opName];
    if (!op) throw new Error(`${name}: the model has no operation ${opName}`);
    const out: Json = {};
    if (op.input) {
      out.input = op.input.shape;
      roots.push(op.input.shape);
    }
    if (op.output && needsOutputs) {
      out.output = op.output.shape;
      roots.push(op.output.shape);
      if (op.output.resultWrapper) out.resultWrapper = op.output.resultWrapper;
    }
    if (protocol === "rest-json" || protocol === "rest-xml") {
      out.http = { method: op.http.method, requestUri: op.http.requestUri };
      if (op.http.responseCode !== undefined) out.http.responseCode = op.http.responseCode;
    }
    operations[opName] = out;
  }
  const lines = [
    `// Generated by scripts/generate-aws-models.ts from botocore ${version} (data/${entry.source}/service-2.json${entry.queryTraitsFrom ? `; query XML names from botocore ${entry.queryTraitsFrom.botocore}` : ""}).`,
    `// Do not edit: list operations in operations.json and run the generator again.`,
    `import type { ServiceModel } from "../model.js";`,
    ``,
    `export default {`,
    `  metadata: ${JSON.stringify(metadata)},`,
    `  operations: {`,
    ...Object.entries(operations).map(([n, o]) => `    ${n}: ${JSON.stringify(o)},`),
    `  },`,
    `  shapes: {`,
    ...reachable(model, roots).map((n) => `    ${JSON.stringify(n)}: ${JSON.stringify(compactShape(model.shapes[n]))},`),
    `  },`,
    `} as const satisfies ServiceModel;`,
    ``,
  ];
  return lines.join("\n");
}

function main(): void {
  const dataDir = arg("--botocore");
  if (!dataDir) throw new Error("usage: generate-aws-models.ts --botocore <botocore/data dir> [--legacy-query <dir>] [--only <name>]");
  const legacyDir = arg("--legacy-query");
  const only = arg("--only");
  const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(modelsDir, "operations.json"), "utf8"));
  for (const [name, entry] of Object.entries(manifest.models)) {
    if (only && only !== name) continue;
    const text = generate(name, entry, dataDir, legacyDir, manifest.botocore);
    fs.writeFileSync(path.join(modelsDir, `${name}.ts`), text);
    console.log(`${name}.ts: ${entry.operations.length} operations, ${(text.length / 1024).toFixed(0)} KB`);
  }
}

main();
