/**
 * CloudFront Functions' management API: a function has a DEVELOPMENT stage (what
 * Create/Update write, with its own ETag) and a LIVE stage (what PublishFunction copies
 * there); distributions may only associate LIVE functions, and a function in use cannot
 * be deleted. TestFunction runs the chosen stage in the sandbox.
 */
import { AwsError } from "../../server/aws-error.js";
import { checkIfMatch, invalidArgument, noSuch } from "./errors.js";
import * as ids from "./ids.js";
import type { Operation } from "./config-resources.js";
import type { CloudFrontStore } from "./store.js";
import type { FunctionRuntime } from "./function-runtime.js";

interface StoredStage {
  code: string; // base64
  etag: string;
  config: { Comment: string; Runtime: string };
  modified: string;
}

export interface StoredFunction {
  Name: string;
  created: string;
  development: StoredStage;
  live?: StoredStage;
}

export const functionArn = (accountId: string, name: string) => `arn:aws:cloudfront::${accountId}:function/${name}`;
const noSuchFunction = () => noSuch("FunctionExists", "The function does not exist.");

function toBase64(code: unknown): string {
  if (typeof code === "string") return Buffer.from(code, "base64").toString("base64");
  if (code instanceof Uint8Array) return Buffer.from(code).toString("base64");
  throw invalidArgument("The parameter FunctionCode is required.");
}

export function functionOperations(deps: { store: CloudFrontStore; accountId: string; runtime: FunctionRuntime; inUse(arn: string): boolean }): Record<string, Operation> {
  const { store, accountId } = deps;
  const read = (name: unknown): StoredFunction => {
    const r = typeof name === "string" && name ? store.get<StoredFunction>("function", name) : undefined;
    if (!r) throw noSuchFunction();
    return { ...r.doc }; // a copy: the stored document is shared with the edge
  };
  const save = (f: StoredFunction) => store.put("function", { id: f.Name, etag: f.development.etag, doc: f });
  const stageOf = (f: StoredFunction, stage: unknown): { stage: "DEVELOPMENT" | "LIVE"; data: StoredStage } => {
    if (stage === "LIVE") {
      if (!f.live) throw noSuchFunction();
      return { stage: "LIVE", data: f.live };
    }
    return { stage: "DEVELOPMENT", data: f.development };
  };
  const summary = (f: StoredFunction, stage: "DEVELOPMENT" | "LIVE" = "DEVELOPMENT") => {
    const data = stage === "LIVE" ? f.live! : f.development;
    const arn = functionArn(accountId, f.Name);
    return {
      Name: f.Name,
      Status: !f.live ? "UNPUBLISHED" : deps.inUse(arn) ? "DEPLOYED" : "UNASSOCIATED",
      FunctionConfig: data.config,
      FunctionMetadata: { FunctionARN: arn, Stage: stage, CreatedTime: f.created, LastModifiedTime: data.modified },
    };
  };
  /** The stored config: the members CloudFront keeps (the model checked Comment and Runtime). */
  const configOf = (config: any) => ({ Comment: config.Comment, Runtime: config.Runtime });

  return {
    CreateFunction: (input) => {
      const name = input.Name;
      if (store.get("function", name)) throw new AwsError("FunctionAlreadyExists", `A function with the same name already exists in this account.`, 409);
      const now = new Date().toISOString();
      const f: StoredFunction = { Name: name, created: now, development: { code: toBase64(input.FunctionCode), etag: ids.etag(), config: configOf(input.FunctionConfig), modified: now } };
      save(f);
      return { FunctionSummary: summary(f), ETag: f.development.etag, Location: `https://cloudfront.amazonaws.com/2020-05-31/function/${functionArn(accountId, name)}` };
    },
    DescribeFunction: (input) => {
      const f = read(input?.Name);
      const s = stageOf(f, input.Stage);
      return { FunctionSummary: summary(f, s.stage), ETag: s.data.etag };
    },
    GetFunction: (input) => {
      const f = read(input?.Name);
      const s = stageOf(f, input.Stage);
      return { FunctionCode: Buffer.from(s.data.code, "base64"), ETag: s.data.etag, ContentType: "application/octet-stream" };
    },
    UpdateFunction: (input) => {
      const f = read(input?.Name);
      checkIfMatch(input.IfMatch, f.development.etag);
      f.development = { code: toBase64(input.FunctionCode), etag: ids.etag(), config: configOf(input.FunctionConfig), modified: new Date().toISOString() };
      save(f);
      return { FunctionSummary: summary(f), ETag: f.development.etag };
    },
    PublishFunction: (input) => {
      const f = read(input?.Name);
      checkIfMatch(input.IfMatch, f.development.etag);
      f.live = { ...f.development, etag: ids.etag(), modified: new Date().toISOString() };
      save(f);
      deps.runtime.forget(`${f.Name}@`);
      return { FunctionSummary: summary(f, "LIVE") };
    },
    DeleteFunction: (input) => {
      const f = read(input?.Name);
      checkIfMatch(input.IfMatch, f.development.etag);
      if (deps.inUse(functionArn(accountId, f.Name))) throw new AwsError("FunctionInUse", "Cannot delete function, it's still associated with one or more cache behaviors.", 409);
      store.delete("function", f.Name);
      deps.runtime.forget(`${f.Name}@`);
      return {};
    },
    ListFunctions: (input) => {
      const stage = input?.Stage === "LIVE" ? "LIVE" : "DEVELOPMENT";
      const all = store.list<StoredFunction>("function").map((r) => r.doc).filter((f) => stage === "DEVELOPMENT" || f.live).map((f) => summary(f, stage));
      const max = Number(input?.MaxItems ?? 100);
      const start = input?.Marker ? Number(input.Marker) || 0 : 0;
      const page = all.slice(start, start + max);
      return { FunctionList: { MaxItems: max, Quantity: page.length, Items: page, ...(start + max < all.length ? { NextMarker: String(start + max) } : {}) } };
    },
    TestFunction: async (input) => {
      const f = read(input?.Name);
      const s = stageOf(f, input.Stage);
      checkIfMatch(input.IfMatch, s.data.etag);
      const raw = input.EventObject instanceof Uint8Array ? Buffer.from(input.EventObject).toString("utf8") : Buffer.from(String(input.EventObject ?? ""), "base64").toString("utf8");
      let event: unknown;
      try {
        event = JSON.parse(raw);
      } catch {
        throw invalidArgument("The EventObject is not valid JSON.");
      }
      const result: Record<string, unknown> = { FunctionSummary: summary(f, s.stage), ComputeUtilization: "1", FunctionExecutionLogs: [] };
      try {
        const out = await deps.runtime.run(`${f.Name}@test-${s.data.etag}`, Buffer.from(s.data.code, "base64").toString("utf8"), event);
        result.FunctionOutput = JSON.stringify(out ?? null);
      } catch (err) {
        result.FunctionErrorMessage = (err as Error).message;
      }
      return { TestResult: result };
    },
  };
}

/** The LIVE code of a function by ARN, for the CDN: its run key and source. */
const liveCode = new WeakMap<StoredStage, { key: string; code: string }>();

export function liveFunction(store: CloudFrontStore, arn: string): { key: string; code: string } | undefined {
  const name = /:function\/([^/]+)$/.exec(arn)?.[1];
  const f = name ? store.get<StoredFunction>("function", name)?.doc : undefined;
  if (!f?.live) return undefined;
  let live = liveCode.get(f.live);
  if (!live) {
    live = { key: `${f.Name}@${f.live.etag}`, code: Buffer.from(f.live.code, "base64").toString("utf8") };
    liveCode.set(f.live, live);
  }
  return live;
}
