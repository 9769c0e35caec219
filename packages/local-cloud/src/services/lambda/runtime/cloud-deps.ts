/**
 * The slice of LocalCloud the Lambda service and runtime use. Declared structurally so
 * this folder depends on what it needs, not on the whole kernel, and so unit tests can
 * hand in a small fake.
 */
import type { EventEmitter } from "node:events";
import type { Database } from "better-sqlite3";

/** A service reached in-process with AWS-API-shaped input and output. */
export interface CallableService {
  call(operation: string, input: any, ctx?: any): Promise<any>;
}

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface LambdaCloud {
  readonly region: string;
  readonly accountId: string;
  readonly endpoint: string;
  readonly events: EventEmitter;
  openDatabase(name: string): Database;
  dataDir(name: string): string;
  authorize(ctx: any, action: string, resources: string | string[], deny?: (message: string) => Error, conditionContext?: Record<string, string>): void;
  readonly s3?: CallableService;
  readonly sqs?: CallableService;
  /** Destinations of asynchronous invocations (async-destinations.ts). */
  readonly sns?: CallableService;
  readonly eventbridge?: CallableService;
  readonly lambda?: CallableService;
  readonly dynamodb?: CallableService;
  readonly kinesis?: CallableService;
  readonly logs?: CallableService;
  readonly iam?: CallableService & {
    issueSessionCredentials?(roleArn: string, sessionName: string): unknown;
    evaluate?(principal: { accessKeyId: string; arn: string; admin: boolean; roleArn?: string }, action: string, resource: string): string;
  };
}

/** Accepts the credential shapes an IAM implementation may return (SDK PascalCase or camelCase). */
export function normalizeCredentials(value: any): SessionCredentials | undefined {
  if (!value || typeof value !== "object") return undefined;
  const c = value.Credentials ?? value;
  const accessKeyId = c.AccessKeyId ?? c.accessKeyId;
  const secretAccessKey = c.SecretAccessKey ?? c.secretAccessKey;
  const sessionToken = c.SessionToken ?? c.sessionToken;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken ?? "" };
}
