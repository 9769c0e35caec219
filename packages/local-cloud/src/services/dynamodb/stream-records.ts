/**
 * Building DynamoDB Streams records for writes (and handing changes to a Kinesis
 * streaming destination), and the sequence-number / shard-id formats. A record is
 * appended in the same SQLite transaction as the write.
 */
import { randomBytes } from "node:crypto";
import type { Item } from "./attribute-value.js";
import { itemSize, valuesEqual } from "./attribute-value.js";
import type { TableMeta } from "./table-meta.js";
import { streamArn } from "./table-meta.js";
import { keyAttributes } from "./keys.js";
import type { DynamoStore } from "./store.js";
import { activeDestination, kinesisChangeRecord } from "./kinesis-destination.js";

const SEQ_BASE = 10n ** 20n;

/** 21-digit, strictly increasing with the store's global record counter. */
export function formatSequenceNumber(seq: number): string {
  return (SEQ_BASE + BigInt(seq)).toString();
}

export function parseSequenceNumber(s: string): number | null {
  if (!/^\d{21,40}$/.test(s)) return null;
  const n = BigInt(s) - SEQ_BASE;
  return n < 0n ? null : Number(n);
}

/** One shard per stream; its id is derived from the stream label so it is stable. */
export function shardIdFor(label: string): string {
  const ms = Date.parse(label + "Z");
  const hex = Buffer.from(label).toString("hex").slice(-8);
  return `shardId-${String(Number.isFinite(ms) ? ms : 0).padStart(20, "0")}-${hex}`;
}

function itemsEqual(a: Item, b: Item): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] !== undefined && valuesEqual(a[k]!, b[k]!));
}

export interface StreamWriteOptions {
  userIdentity?: { type: string; principalId: string };
}

/** What changed about one item: the event DynamoDB names it by, and the item's key. */
export interface StreamChange {
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  keys: Item;
}

/** The change from `oldItem` to `newItem`, or undefined for a no-op write (which DynamoDB publishes nowhere). */
export function changeOf(meta: TableMeta, oldItem: Item | undefined, newItem: Item | undefined): StreamChange | undefined {
  if (!oldItem && !newItem) return undefined;
  if (oldItem && newItem && itemsEqual(oldItem, newItem)) return undefined;
  const eventName = !oldItem ? "INSERT" : !newItem ? "REMOVE" : "MODIFY";
  return { eventName, keys: keyAttributes(meta, (newItem ?? oldItem)!) };
}

/**
 * Records one item change where the table publishes changes: its DynamoDB stream, if
 * enabled, and its Kinesis streaming destination, if active (into the outbox the
 * forwarder drains once the write is committed: kinesis-destination.ts). Returns the
 * DynamoDB stream's ARN when a stream record was appended.
 */
export function appendChange(store: DynamoStore, meta: TableMeta, region: string, oldItem: Item | undefined, newItem: Item | undefined, opts: StreamWriteOptions = {}): string | undefined {
  const kinesis = activeDestination(meta);
  if (!meta.stream?.StreamEnabled && !kinesis) return undefined;
  const change = changeOf(meta, oldItem, newItem);
  if (!change) return undefined;
  if (kinesis) {
    const { partitionKey, record } = kinesisChangeRecord(meta, region, kinesis, change, oldItem, newItem, opts);
    store.appendKinesisRecord(kinesis.StreamArn, partitionKey, record);
  }
  if (!meta.stream?.StreamEnabled) return undefined;
  const arn = streamArn(meta, region)!;
  const view = meta.stream.StreamViewType;
  const keys = change.keys;
  const eventName = change.eventName;
  store.appendStreamRecord(arn, (seq) => {
    const dynamodb: any = { ApproximateCreationDateTime: Math.floor(Date.now() / 1000), Keys: keys };
    let size = itemSize(keys);
    if (newItem && (view === "NEW_IMAGE" || view === "NEW_AND_OLD_IMAGES")) {
      dynamodb.NewImage = newItem;
      size += itemSize(newItem);
    }
    if (oldItem && (view === "OLD_IMAGE" || view === "NEW_AND_OLD_IMAGES")) {
      dynamodb.OldImage = oldItem;
      size += itemSize(oldItem);
    }
    dynamodb.SequenceNumber = formatSequenceNumber(seq);
    dynamodb.SizeBytes = size;
    dynamodb.StreamViewType = view;
    const record: any = {
      eventID: randomBytes(16).toString("hex"),
      eventName,
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: region,
      dynamodb,
    };
    if (opts.userIdentity) record.userIdentity = opts.userIdentity;
    return record;
  });
  return arn;
}
