/**
 * Asynchronous invocation settings of a function or alias (PutFunctionEventInvokeConfig,
 * Update…, Get…, Delete…, ListFunctionEventInvokeConfigs): how many times a failed
 * "Event" invocation is retried (0–2), how old an event may get (60–21600 s), and where
 * the outcome goes (OnSuccess / OnFailure destinations: SQS, SNS, Lambda, EventBridge).
 * invoke.ts reads them for each asynchronous invocation.
 */
import type { Database } from "better-sqlite3";
import { AwsError } from "../../server/aws-error.js";
import type { LambdaCloud } from "./runtime/cloud-deps.js";
import { functionNotFound, invalidParameter } from "./errors.js";
import { functionArn, parseFunctionRef, validationError } from "./names.js";
import type { LambdaStore } from "./store.js";

export interface DestinationConfig {
  OnSuccess?: { Destination?: string };
  OnFailure?: { Destination?: string };
}

export interface EventInvokeConfig {
  FunctionArn: string;
  /** Epoch seconds, as the API's timestamp shape serializes it. */
  LastModified: number;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: DestinationConfig;
}

const DESTINATION = /^arn:aws[a-z-]*:(sqs|sns|lambda|events):[a-z0-9-]+:\d{12}:.+$/;

export class EventInvokeConfigOperations {
  constructor(
    private readonly cloud: LambdaCloud,
    private readonly store: LambdaStore,
    private readonly db: Database,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS lambda_event_invoke_configs (
      name TEXT NOT NULL, qualifier TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (name, qualifier))`);
  }

  /** The settings that apply to an invocation of `name` with `qualifier` ($LATEST when none). */
  forInvocation(name: string, qualifier: string | undefined): EventInvokeConfig | undefined {
    return this.read(name, qualifier || "$LATEST");
  }

  put(input: any): EventInvokeConfig {
    const { name, qualifier, arn } = this.target(input);
    const config: EventInvokeConfig = { FunctionArn: arn, LastModified: Date.now() / 1000, ...settings(input) };
    this.write(name, qualifier, config);
    return config;
  }

  update(input: any): EventInvokeConfig {
    const { name, qualifier, arn } = this.target(input);
    const old = this.read(name, qualifier);
    const config: EventInvokeConfig = { ...old, FunctionArn: arn, LastModified: Date.now() / 1000, ...settings(input) };
    this.write(name, qualifier, config);
    return config;
  }

  get(input: any): EventInvokeConfig {
    const { name, qualifier, arn } = this.target(input);
    const config = this.read(name, qualifier);
    if (!config) throw new AwsError("ResourceNotFoundException", `The function ${arn} doesn't have an EventInvokeConfig`, 404);
    return config;
  }

  delete(input: any): void {
    const { name, qualifier, arn } = this.target(input);
    const result = this.db.prepare("DELETE FROM lambda_event_invoke_configs WHERE name = ? AND qualifier = ?").run(name, qualifier);
    if (result.changes === 0) throw new AwsError("ResourceNotFoundException", `The function ${arn} doesn't have an EventInvokeConfig`, 404);
  }

  list(input: any): { FunctionEventInvokeConfigs: EventInvokeConfig[] } {
    const ref = parseFunctionRef(input.FunctionName);
    if (!this.store.getFunction(ref.name)) throw functionNotFound(functionArn(this.cloud.region, this.cloud.accountId, ref.name));
    const rows = this.db.prepare("SELECT doc FROM lambda_event_invoke_configs WHERE name = ? ORDER BY qualifier").all(ref.name) as { doc: string }[];
    return { FunctionEventInvokeConfigs: rows.map((r) => JSON.parse(r.doc)) };
  }

  /** Called when a function is deleted. */
  deleteForFunction(name: unknown): void {
    try {
      this.db.prepare("DELETE FROM lambda_event_invoke_configs WHERE name = ?").run(parseFunctionRef(name).name);
    } catch {
      // A malformed name was refused by DeleteFunction already.
    }
  }

  private target(input: any): { name: string; qualifier: string; arn: string } {
    const ref = parseFunctionRef(input.FunctionName, input.Qualifier);
    const qualifier = ref.qualifier ?? "$LATEST";
    const arn = functionArn(this.cloud.region, this.cloud.accountId, ref.name, qualifier);
    const exists = qualifier === "$LATEST" || /^[0-9]+$/.test(qualifier)
      ? this.store.getFunction(ref.name, qualifier)
      : this.store.getFunction(ref.name) && this.store.getAlias(ref.name, qualifier);
    if (!exists) throw functionNotFound(arn);
    return { name: ref.name, qualifier, arn };
  }

  private read(name: string, qualifier: string): EventInvokeConfig | undefined {
    const row = this.db.prepare("SELECT doc FROM lambda_event_invoke_configs WHERE name = ? AND qualifier = ?").get(name, qualifier) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  private write(name: string, qualifier: string, config: EventInvokeConfig): void {
    this.db.prepare("INSERT OR REPLACE INTO lambda_event_invoke_configs (name, qualifier, doc) VALUES (?, ?, ?)").run(name, qualifier, JSON.stringify(config));
  }
}

/** The settings of a Put/Update request, validated as Lambda does. */
function settings(input: any): Partial<EventInvokeConfig> {
  const out: Partial<EventInvokeConfig> = {};
  if (input.MaximumRetryAttempts !== undefined) {
    const n = Number(input.MaximumRetryAttempts);
    if (!Number.isInteger(n) || n < 0) throw validationError(input.MaximumRetryAttempts, "maximumRetryAttempts", "Member must have value greater than or equal to 0");
    if (n > 2) throw validationError(n, "maximumRetryAttempts", "Member must have value less than or equal to 2");
    out.MaximumRetryAttempts = n;
  }
  if (input.MaximumEventAgeInSeconds !== undefined) {
    const n = Number(input.MaximumEventAgeInSeconds);
    if (!Number.isInteger(n) || n < 60) throw validationError(input.MaximumEventAgeInSeconds, "maximumEventAgeInSeconds", "Member must have value greater than or equal to 60");
    if (n > 21600) throw validationError(n, "maximumEventAgeInSeconds", "Member must have value less than or equal to 21600");
    out.MaximumEventAgeInSeconds = n;
  }
  if (input.DestinationConfig !== undefined) {
    const dc: DestinationConfig = {};
    for (const key of ["OnSuccess", "OnFailure"] as const) {
      const dest = input.DestinationConfig?.[key]?.Destination;
      if (dest === undefined || dest === null || dest === "") continue;
      if (typeof dest !== "string" || !DESTINATION.test(dest)) throw invalidParameter(`The destination ARN ${String(dest)} is invalid.`);
      dc[key] = { Destination: dest };
    }
    out.DestinationConfig = dc;
  }
  return out;
}
