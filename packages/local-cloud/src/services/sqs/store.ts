/**
 * SQS state in SQLite. Messages keep their queue's insertion order (`seq`), which is
 * the delivery order of FIFO queues. Times are epoch milliseconds.
 */
import type Database from "better-sqlite3";

export interface QueueRow {
  name: string;
  attributes: string;
  tags: string;
  created: number;
  modified: number;
  /** Last FIFO sequence number handed out. */
  fifo_seq: number;
  last_purge: number;
}

export interface MessageRow {
  seq: number;
  queue: string;
  id: string;
  body: string;
  /** JSON of the message attributes, binary values base64. */
  attributes: string;
  /** JSON of the message system attributes (AWSTraceHeader). */
  system_attributes: string;
  md5_body: string;
  md5_attributes: string | null;
  md5_system: string | null;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_receive_at: number | null;
  receipt_nonce: string | null;
  group_id: string | null;
  dedup_id: string | null;
  sequence_number: string | null;
  sender_id: string;
  dlq_source: string | null;
}

export function migrateSqs(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS queues (
      name TEXT PRIMARY KEY, attributes TEXT NOT NULL, tags TEXT NOT NULL, created INTEGER NOT NULL,
      modified INTEGER NOT NULL, fifo_seq INTEGER NOT NULL DEFAULT 0, last_purge INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
      attributes TEXT NOT NULL, system_attributes TEXT NOT NULL, md5_body TEXT NOT NULL, md5_attributes TEXT,
      md5_system TEXT, sent_at INTEGER NOT NULL, visible_at INTEGER NOT NULL, receive_count INTEGER NOT NULL,
      first_receive_at INTEGER, receipt_nonce TEXT, group_id TEXT, dedup_id TEXT, sequence_number TEXT,
      sender_id TEXT NOT NULL, dlq_source TEXT);
    CREATE INDEX IF NOT EXISTS messages_by_queue ON messages (queue, visible_at);
    CREATE INDEX IF NOT EXISTS messages_by_id ON messages (queue, id);
    CREATE TABLE IF NOT EXISTS fifo_dedup (
      queue TEXT NOT NULL, scope TEXT NOT NULL, dedup_id TEXT NOT NULL, message_id TEXT NOT NULL,
      sequence_number TEXT NOT NULL, expires INTEGER NOT NULL, PRIMARY KEY (queue, scope, dedup_id));
  `);
}
