/**
 * Durable SNS state in SQLite: topics (attributes and tags as JSON documents) and
 * their subscriptions. Deleting a topic deletes its subscriptions, as SNS does.
 */
import type { Database } from "better-sqlite3";

export interface StoredTopic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

export interface StoredSubscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
  /** http/https: the token ConfirmSubscription must present while the subscription is pending. */
  token?: string;
}

export class SnsStore {
  constructor(private readonly db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS sns_topics (arn TEXT PRIMARY KEY, name TEXT NOT NULL, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS sns_subscriptions (arn TEXT PRIMARY KEY, topic_arn TEXT NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS sns_subscriptions_topic ON sns_subscriptions (topic_arn);
    `);
  }

  getTopic(arn: string): StoredTopic | undefined {
    const row = this.db.prepare("SELECT doc FROM sns_topics WHERE arn = ?").get(arn) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  putTopic(topic: StoredTopic): void {
    this.db.prepare("INSERT OR REPLACE INTO sns_topics (arn, name, doc) VALUES (?, ?, ?)").run(topic.arn, topic.name, JSON.stringify(topic));
  }

  deleteTopic(arn: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM sns_topics WHERE arn = ?").run(arn);
      this.db.prepare("DELETE FROM sns_subscriptions WHERE topic_arn = ?").run(arn);
    })();
  }

  listTopics(): StoredTopic[] {
    return (this.db.prepare("SELECT doc FROM sns_topics ORDER BY arn").all() as { doc: string }[]).map((r) => JSON.parse(r.doc));
  }

  getSubscription(arn: string): StoredSubscription | undefined {
    const row = this.db.prepare("SELECT doc FROM sns_subscriptions WHERE arn = ?").get(arn) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  putSubscription(sub: StoredSubscription): void {
    this.db.prepare("INSERT OR REPLACE INTO sns_subscriptions (arn, topic_arn, doc) VALUES (?, ?, ?)").run(sub.arn, sub.topicArn, JSON.stringify(sub));
  }

  deleteSubscription(arn: string): boolean {
    return this.db.prepare("DELETE FROM sns_subscriptions WHERE arn = ?").run(arn).changes > 0;
  }

  listSubscriptions(topicArn?: string): StoredSubscription[] {
    const rows = (topicArn === undefined
      ? this.db.prepare("SELECT doc FROM sns_subscriptions ORDER BY rowid").all()
      : this.db.prepare("SELECT doc FROM sns_subscriptions WHERE topic_arn = ? ORDER BY rowid").all(topicArn)) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc));
  }
}
