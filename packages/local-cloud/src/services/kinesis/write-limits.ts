/**
 * The write limit of a provisioned shard: 1,000 records and 1 MiB of data (with
 * partition keys) per second. A record over it is refused with
 * ProvisionedThroughputExceededException — PutRecord fails, PutRecords reports it for
 * that entry — so producers meet locally the back-pressure they will meet on AWS.
 * Counted per whole second; on-demand streams are not limited here.
 */
export const RECORDS_PER_SECOND = 1000;
export const BYTES_PER_SECOND = 1024 * 1024;

interface Window {
  second: number;
  records: number;
  bytes: number;
}

export class ShardWriteLimits {
  private readonly windows = new Map<string, Window>();

  /** Counts a record of `bytes` against the shard; false (and nothing counted) when over the limit. */
  admit(stream: string, shard: number, bytes: number, now = Date.now()): boolean {
    const key = `${stream}\u0000${shard}`;
    const second = Math.floor(now / 1000);
    let w = this.windows.get(key);
    if (!w || w.second !== second) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(key, (w = { second, records: 0, bytes: 0 }));
    }
    // A record larger than a second's worth (MaxRecordSizeInKiB above 1024) goes in alone.
    if (w.records + 1 > RECORDS_PER_SECOND || (w.records > 0 && w.bytes + bytes > BYTES_PER_SECOND)) return false;
    w.records++;
    w.bytes += bytes;
    return true;
  }

  /** Forgets a stream's windows (it was deleted). */
  forget(stream: string): void {
    for (const key of this.windows.keys()) if (key.startsWith(`${stream}\u0000`)) this.windows.delete(key);
  }
}
