/**
 * A kernel for unit tests of one service without a whole cloud: real SQLite databases
 * and data directories in a temporary folder, the cloud's event bus, the IAM check as an
 * allow-list (the admin may do anything; others what `allowed` holds), and in-process
 * clients of whatever services a test registers.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { AwsError } from "../server/aws-error.js";
import type { CallContext, Service } from "../types.js";
import { ADMIN_PRINCIPAL } from "./admin.js";
import { createClients, type ClientName } from "./clients.js";
import { CloudEvents } from "./events.js";
import { NO_IAM } from "./iam-port.js";
import type { Kernel } from "./kernel.js";

export interface TestKernel extends Kernel {
  readonly dir: string;
  /** Actions non-admin principals are allowed, e.g. "s3:GetObject". */
  readonly allowed: Set<string>;
  /** Every IAM check made, for assertions. */
  readonly authorized: { action: string; resources: string | string[] }[];
  /** Services the clients reach, by name. */
  readonly services: Map<ClientName, Pick<Service, "call">>;
  dispose(): void;
}

export function testKernel(opts: { region?: string; endpoint?: string } = {}): TestKernel {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lc-kernel-"));
  const databases = new Map<string, Database.Database>();
  const services = new Map<ClientName, Pick<Service, "call">>();
  const region = opts.region ?? "us-east-1";
  const kernel: TestKernel = {
    dir,
    region,
    accountId: "000000000000",
    endpoint: opts.endpoint ?? "http://127.0.0.1:4570",
    events: new CloudEvents(),
    allowed: new Set(),
    authorized: [],
    services,
    clients: createClients((name) => services.get(name)),
    identity: NO_IAM,
    openDatabase(name) {
      let db = databases.get(name);
      if (!db) {
        db = new Database(path.join(dir, `${name}.sqlite`));
        db.pragma("journal_mode = WAL");
        databases.set(name, db);
      }
      return db;
    },
    dataDir(name) {
      const d = path.join(dir, name);
      fs.mkdirSync(d, { recursive: true });
      return d;
    },
    authorize(ctx: CallContext, action: string, resources: string | string[], deny?: (message: string) => AwsError) {
      kernel.authorized.push({ action, resources });
      if (ctx.principal.admin || kernel.allowed.has(action)) return;
      const message = `User: ${ctx.principal.arn} is not authorized to perform: ${action} on resource: ${[resources].flat()[0]} because no identity-based policy allows the ${action} action`;
      throw deny ? deny(message) : new AwsError("AccessDeniedException", message, 400);
    },
    adminContext: (requestId = "internal") => ({ region, principal: ADMIN_PRINCIPAL, requestId }),
    lookupAccessKey: () => undefined,
    dispose() {
      for (const db of databases.values()) db.close();
      databases.clear();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return kernel;
}
