/** What the SQS operations need from the cloud, kept narrow so they are easy to test. */
import type Database from "better-sqlite3";
import { AwsError } from "../../server/aws-error.js";
import { ACCOUNT_ID, type CallContext } from "../../types.js";
import type { Waiters } from "./waiters.js";

export interface SqsContext {
  db: Database.Database;
  /** Base of queue URLs, e.g. http://127.0.0.1:4570. */
  endpoint(): string;
  region: string;
  waiters: Waiters;
  /** A message became available in the queue (send, visibility reset, redrive). */
  messageAvailable(queueName: string): void;
  /** SenderId attribute for a caller. */
  senderId(ctx: CallContext): string;
}

export function queueArn(region: string, name: string): string {
  return `arn:aws:sqs:${region}:${ACCOUNT_ID}:${name}`;
}

export function queueUrl(endpoint: string, name: string): string {
  return `${endpoint}/${ACCOUNT_ID}/${name}`;
}

/** The queue a QueueUrl names, or SQS's InvalidAddress. */
export function queueNameOf(url: string): string {
  const name = nameFromUrl(url);
  if (!name) throw new AwsError("InvalidAddress", `The address ${url} is not valid for this endpoint.`, 404, { queryErrorCode: "InvalidAddress" });
  return name;
}

/** The queue name in a queue URL ("http://host/000000000000/jobs", "/000000000000/jobs"). */
export function nameFromUrl(url: string): string | undefined {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, "").replace(/\?.*$/, "");
  const parts = path.split("/").filter(Boolean);
  if (parts.length === 2 && /^\d{12}$/.test(parts[0]!) && parts[0] === ACCOUNT_ID) return parts[1];
  if (parts.length === 1 && !url.includes("/")) return parts[0];
  return undefined;
}
