/**
 * Function URL configurations (CreateFunctionUrlConfig, Get, Update, Delete, List):
 * one a function or alias, each with a 32-character url id. The URL itself is
 * `${cloud.endpoint}/_aws/lambda-url/{urlId}/`, built when read so it follows the
 * cloud's port; function-url-plane.ts serves it.
 */
import { randomBytes } from "node:crypto";
import type { Database } from "better-sqlite3";
import { AwsError } from "../../server/aws-error.js";
import type { LambdaCloud } from "./runtime/cloud-deps.js";
import type { CorsConfiguration } from "../../lambda-proxy/cors.js";
import { conflict, functionNotFound } from "./errors.js";
import { lambdaTimestamp } from "./functions.js";
import { functionArn, isVersionNumber, parseFunctionRef, validationError } from "./names.js";
import type { LambdaStore } from "./store.js";

export interface StoredFunctionUrl {
  urlId: string;
  functionName: string;
  /** "" for the unqualified function, else an alias name ($LATEST is allowed too). */
  qualifier: string;
  AuthType: "NONE" | "AWS_IAM";
  Cors?: CorsConfiguration;
  InvokeMode: "BUFFERED" | "RESPONSE_STREAM";
  CreationTime: string;
  LastModifiedTime: string;
}

export class FunctionUrlOperations {
  constructor(
    private readonly cloud: LambdaCloud,
    private readonly store: LambdaStore,
    private readonly db: Database,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS lambda_function_urls (
      name TEXT NOT NULL, qualifier TEXT NOT NULL, url_id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, PRIMARY KEY (name, qualifier))`);
  }

  urlOf(urlId: string): string {
    return `${this.cloud.endpoint}/_aws/lambda-url/${urlId}/`;
  }

  byUrlId(urlId: string): StoredFunctionUrl | undefined {
    const row = this.db.prepare("SELECT doc FROM lambda_function_urls WHERE url_id = ?").get(urlId) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  /** The function (and alias) a request names; URLs exist for the function or an alias, never a version. */
  private target(input: any): { name: string; qualifier: string; arn: string } {
    const ref = parseFunctionRef(input.FunctionName, input.Qualifier);
    const qualifier = ref.qualifier ?? "";
    if (qualifier && isVersionNumber(qualifier)) {
      throw validationError(qualifier, "qualifier", "Member must satisfy regular expression pattern: (^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))");
    }
    const arn = functionArn(this.cloud.region, this.cloud.accountId, ref.name, qualifier || undefined);
    if (!this.store.getFunction(ref.name) || (qualifier && qualifier !== "$LATEST" && !this.store.getAlias(ref.name, qualifier))) throw functionNotFound(arn);
    return { name: ref.name, qualifier, arn };
  }

  private get(name: string, qualifier: string): StoredFunctionUrl | undefined {
    const row = this.db.prepare("SELECT doc FROM lambda_function_urls WHERE name = ? AND qualifier = ?").get(name, qualifier) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  private put(u: StoredFunctionUrl): void {
    this.db.prepare("INSERT OR REPLACE INTO lambda_function_urls (name, qualifier, url_id, doc) VALUES (?, ?, ?, ?)").run(u.functionName, u.qualifier, u.urlId, JSON.stringify(u));
  }

  private view(u: StoredFunctionUrl) {
    return {
      FunctionUrl: this.urlOf(u.urlId),
      FunctionArn: functionArn(this.cloud.region, this.cloud.accountId, u.functionName, u.qualifier || undefined),
      AuthType: u.AuthType,
      ...(u.Cors ? { Cors: u.Cors } : {}),
      CreationTime: u.CreationTime,
      LastModifiedTime: u.LastModifiedTime,
      InvokeMode: u.InvokeMode,
    };
  }

  create(input: any) {
    const t = this.target(input);
    if (this.get(t.name, t.qualifier)) {
      throw conflict(`Failed to create function url config for [functionArn = ${t.arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    }
    const now = lambdaTimestamp();
    const u: StoredFunctionUrl = {
      urlId: newUrlId(),
      functionName: t.name,
      qualifier: t.qualifier,
      AuthType: authType(input.AuthType),
      ...(input.Cors ? { Cors: cors(input.Cors) } : {}),
      InvokeMode: invokeMode(input.InvokeMode),
      CreationTime: now,
      LastModifiedTime: now,
    };
    this.put(u);
    const { LastModifiedTime: _l, ...out } = this.view(u);
    return out;
  }

  getConfig(input: any) {
    const t = this.target(input);
    const u = this.get(t.name, t.qualifier);
    if (!u) throw new AwsError("ResourceNotFoundException", "The resource you requested does not exist.", 404);
    return this.view(u);
  }

  update(input: any) {
    const t = this.target(input);
    const u = this.get(t.name, t.qualifier);
    if (!u) throw new AwsError("ResourceNotFoundException", "The resource you requested does not exist.", 404);
    if (input.AuthType !== undefined) u.AuthType = authType(input.AuthType);
    if (input.Cors !== undefined) {
      // An empty Cors object clears the configuration (what CloudFormation sends when it is removed).
      const next = cors(input.Cors);
      if (Object.keys(next).length) u.Cors = next;
      else delete u.Cors;
    }
    if (input.InvokeMode !== undefined) u.InvokeMode = invokeMode(input.InvokeMode);
    u.LastModifiedTime = lambdaTimestamp();
    this.put(u);
    return this.view(u);
  }

  delete(input: any): void {
    const t = this.target(input);
    const gone = this.db.prepare("DELETE FROM lambda_function_urls WHERE name = ? AND qualifier = ?").run(t.name, t.qualifier).changes;
    if (!gone) throw new AwsError("ResourceNotFoundException", "The resource you requested does not exist.", 404);
  }

  /** A deleted function takes its URLs with it (a new function of that name gets new ones). */
  deleteForFunction(functionName: unknown): void {
    try {
      const ref = parseFunctionRef(functionName);
      if (ref.qualifier) this.db.prepare("DELETE FROM lambda_function_urls WHERE name = ? AND qualifier = ?").run(ref.name, ref.qualifier);
      else this.db.prepare("DELETE FROM lambda_function_urls WHERE name = ?").run(ref.name);
    } catch {
      /* the function name was invalid; DeleteFunction has already failed */
    }
  }

  list(input: any) {
    const ref = parseFunctionRef(input.FunctionName);
    if (!this.store.getFunction(ref.name)) throw functionNotFound(functionArn(this.cloud.region, this.cloud.accountId, ref.name));
    const rows = this.db.prepare("SELECT doc FROM lambda_function_urls WHERE name = ? ORDER BY qualifier").all(ref.name) as { doc: string }[];
    const all = rows.map((r) => this.view(JSON.parse(r.doc)));
    const start = input.Marker ? Number(input.Marker) : 0;
    const max = input.MaxItems === undefined ? 50 : Number(input.MaxItems);
    if (!Number.isInteger(start) || start < 0) throw new AwsError("InvalidParameterValueException", "Invalid marker", 400);
    const page = all.slice(start, start + max);
    return { FunctionUrlConfigs: page, ...(start + max < all.length ? { NextMarker: String(start + max) } : {}) };
  }
}

function newUrlId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join("");
}

function authType(v: unknown): "NONE" | "AWS_IAM" {
  if (v === "NONE" || v === "AWS_IAM") return v;
  throw validationError(v ?? "null", "authType", "Member must satisfy enum value set: [NONE, AWS_IAM]");
}

function invokeMode(v: unknown): "BUFFERED" | "RESPONSE_STREAM" {
  if (v === undefined || v === null) return "BUFFERED";
  if (v === "BUFFERED" || v === "RESPONSE_STREAM") return v;
  throw validationError(v, "invokeMode", "Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]");
}

function cors(v: any): CorsConfiguration {
  if (!v || typeof v !== "object") throw validationError(v, "cors", "Member must be a structure");
  const out: CorsConfiguration = {};
  if (v.AllowCredentials !== undefined) out.AllowCredentials = Boolean(v.AllowCredentials);
  for (const k of ["AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders"] as const) {
    if (v[k] === undefined) continue;
    if (!Array.isArray(v[k])) throw validationError(v[k], `cors.${k[0]!.toLowerCase()}${k.slice(1)}`, "Member must be a list");
    out[k] = v[k].map(String);
  }
  if (v.MaxAge !== undefined) out.MaxAge = Number(v.MaxAge);
  return out;
}
