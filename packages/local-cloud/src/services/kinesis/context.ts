/**
 * What Kinesis operations share: the store, the region, the write limits, the hook that
 * announces new records (the Lambda pollers wake on it), and how a request names its
 * stream (StreamName, StreamARN, or both).
 */
import { ACCOUNT_ID } from "../../types.js";
import { invalidArgument, resourceInUse, streamNotFound } from "./errors.js";
import type { KinesisStore, StreamRow } from "./store.js";
import type { ShardWriteLimits } from "./write-limits.js";

export interface KinesisContext {
  store: KinesisStore;
  region: string;
  limits: ShardWriteLimits;
  /** Called after records were committed to a stream. */
  recordsAdded(streamArn: string): void;
  /** Streams that report UPDATING (after a reshard or a new capacity mode) until the given epoch ms. */
  updatingUntil: Map<string, number>;
  /** The status a stream reports (ACTIVE, or UPDATING just after a reshard). */
  statusOf(row: StreamRow): string;
}

export function streamStatus(updatingUntil: Map<string, number>, row: StreamRow): string {
  const until = updatingUntil.get(row.name);
  if (until === undefined) return row.status;
  if (Date.now() < until) return "UPDATING";
  updatingUntil.delete(row.name);
  return row.status;
}

export interface StreamNaming {
  StreamName?: string;
  StreamARN?: string;
}

export function streamArn(region: string, name: string): string {
  return `arn:aws:kinesis:${region}:${ACCOUNT_ID}:stream/${name}`;
}

/** The stream name a request gives, by name or ARN; a mismatch of the two is refused. */
export function streamNameOf(input: StreamNaming): string {
  const fromArn = input.StreamARN !== undefined ? input.StreamARN.slice(input.StreamARN.indexOf(":stream/") + 8) : undefined;
  if (input.StreamName !== undefined && fromArn !== undefined && input.StreamName !== fromArn) {
    throw invalidArgument(`StreamARN ${input.StreamARN} and StreamName ${input.StreamName} do not refer to the same stream.`);
  }
  const name = input.StreamName ?? fromArn;
  if (name === undefined) throw invalidArgument("Either StreamName or StreamARN must be provided.");
  return name;
}

/** The ARN IAM checks a request against (known from the input alone). */
export function requestedStreamArn(input: StreamNaming, region: string): string {
  return input.StreamARN ?? streamArn(region, input.StreamName ?? "*");
}

export function requireStream(c: KinesisContext, input: StreamNaming): StreamRow {
  const name = streamNameOf(input);
  const row = c.store.stream(name);
  if (!row) throw streamNotFound(name);
  return row;
}

/** The stream, which must be ACTIVE: one that is still UPDATING (a reshard, a new capacity mode) refuses another change. */
export function requireActiveStream(c: KinesisContext, input: StreamNaming): StreamRow {
  const row = requireStream(c, input);
  const status = c.statusOf(row);
  if (status !== "ACTIVE") throw resourceInUse(`Stream ${row.name} under account ${ACCOUNT_ID} not ACTIVE, instead in state ${status}`);
  return row;
}
