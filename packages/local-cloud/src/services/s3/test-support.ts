/**
 * A minimal stand-in for LocalCloud for call()-level S3 tests: SQLite and data dirs in
 * a temp dir, an IAM check driven by an allow-list, and recording Lambda/SQS fakes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { AwsError } from "../../server/aws-error.js";
import type { CallContext, Principal } from "../../types.js";
import type { S3CloudDeps } from "./context.js";

export interface FakeCloud extends S3CloudDeps {
  dir: string;
  /** Actions identity policies allow non-admin principals, e.g. "s3:GetObject". */
  allowed: Set<string>;
  lambdaCalls: Array<{ operation: string; input: any }>;
  sqsCalls: Array<{ operation: string; input: any }>;
  cleanup(): void;
}

export function fakeCloud(): FakeCloud {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-test-"));
  const dbs: Database.Database[] = [];
  const cloud: FakeCloud = {
    dir,
    region: "us-east-1",
    allowed: new Set(),
    lambdaCalls: [],
    sqsCalls: [],
    openDatabase(name: string) {
      const db = new Database(path.join(dir, `${name}.sqlite`));
      db.pragma("journal_mode = WAL");
      dbs.push(db);
      return db;
    },
    dataDir(name: string) {
      const d = path.join(dir, name);
      fs.mkdirSync(d, { recursive: true });
      return d;
    },
    authorize(ctx: CallContext, action: string, resources: string | string[], deny?: (m: string) => AwsError) {
      if (ctx.principal.admin || cloud.allowed.has(action)) return;
      const message = `User: ${ctx.principal.arn} is not authorized to perform: ${action} on resource: ${[resources].flat()[0]}`;
      throw deny ? deny(message) : new Error(message);
    },
    lambda: {
      async call(operation: string, input: any) {
        cloud.lambdaCalls.push({ operation, input });
        return { StatusCode: 202 };
      },
    },
    sqs: {
      async call(operation: string, input: any) {
        cloud.sqsCalls.push({ operation, input });
        if (operation === "GetQueueUrl") return { QueueUrl: `http://127.0.0.1/000000000000/${input.QueueName}` };
        return { MessageId: "m-1" };
      },
    },
    cleanup() {
      for (const db of dbs) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return cloud;
}

export const ROLE_SESSION: Principal = {
  accessKeyId: "ASIAROLE",
  arn: "arn:aws:sts::000000000000:assumed-role/fn-role/session",
  admin: false,
  roleArn: "arn:aws:iam::000000000000:role/fn-role",
};
export const ANONYMOUS_CALLER: Principal = { accessKeyId: "", arn: "anonymous", admin: false };
