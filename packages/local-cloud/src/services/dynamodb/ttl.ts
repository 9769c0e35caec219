/**
 * Background TTL deletion. DynamoDB deletes expired items some time after expiry (reads
 * may still see them meanwhile); here a sweep runs every few seconds, deletes items whose
 * TTL attribute (epoch seconds) is in the past, and writes REMOVE stream records marked
 * as done by the DynamoDB service. It also trims stream records older than 24 hours.
 */
import type { DynamoStore } from "./store.js";
import type { Item } from "./attribute-value.js";
import { appendChange } from "./stream-records.js";

const SWEEP_MS = 2000;
const BATCH = 500;
const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

export const TTL_USER_IDENTITY = { type: "Service", principalId: "dynamodb.amazonaws.com" };

export class TtlSweeper {
  private timer?: NodeJS.Timeout;

  constructor(
    private store: DynamoStore,
    private region: string,
    private streamWritten: (arn: string) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.sweep();
      } catch (err) {
        console.error("[dynamodb] TTL sweep failed", err);
      }
    }, SWEEP_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass; returns how many items were deleted. Public so tests need not wait. */
  sweep(nowMs = Date.now()): number {
    let deleted = 0;
    for (const name of this.store.tableNames()) {
      const meta = this.store.table(name);
      if (!meta?.ttl?.enabled) continue;
      const rows = this.store.expired(meta, nowMs / 1000, BATCH);
      if (!rows.length) continue;
      this.store.transaction(() => {
        for (const row of rows) {
          const old = JSON.parse(row.item) as Item;
          this.store.writeItem(meta, { hk: row.hk, rk: row.rk }, old, undefined, { oldExists: true, oldSize: row.size, newSize: 0 });
          const arn = appendChange(this.store, meta, this.region, old, undefined, { userIdentity: TTL_USER_IDENTITY });
          if (arn) this.streamWritten(arn);
          deleted++;
        }
      });
    }
    this.store.trimStreams(nowMs - STREAM_RETENTION_MS);
    return deleted;
  }
}
