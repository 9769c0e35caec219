/**
 * The Data API's operations on the local clusters. Each call is checked as AWS does:
 * the cluster, its HTTP endpoint, the secret (read with the caller's own permissions, and
 * its credentials must be the cluster's), the database; then the SQL runs on the
 * cluster's Postgres session. A transaction holds that session until it commits, rolls
 * back, or sits idle for three minutes (then it is rolled back, as on Aurora).
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import { AwsError } from "../../server/aws-error.js";
import type { CallContext } from "../../types.js";
import type { ClusterRow, ClusterStore } from "./clusters.js";
import { openClusterDatabase } from "./postgres-engine.js";
import { ClusterSession, mayChangeSettings, type SessionOwner } from "./cluster-session.js";
import { WIRE_HOST, WireListeners } from "./wire/listeners.js";
import { databaseError, executeStatement, type StatementOptions, type StatementResult, type TypeInfo } from "./statements.js";
import type { SqlParameter } from "./values.js";

const TRANSACTION_IDLE_MS = 3 * 60_000;
/** How long a statement waits for another caller's transaction to end: the Data API's 45 s statement timeout. */
const SESSION_WAIT_MS = 45_000;

interface Target {
  resourceArn: string;
  secretArn: string;
  database?: string;
}

interface OpenCluster {
  session: Promise<ClusterSession>;
  /** Every Data API call is one party on the session, with the Data API's settings (timestamps in UTC). */
  dataApi: SessionOwner;
  types: Map<number, { name: string; element: number }>;
}

interface Transaction {
  clusterArn: string;
  release: () => void;
  idle: NodeJS.Timeout;
}

export interface RdsDataDeps {
  clusters: ClusterStore;
  /** Where each cluster's Postgres data directory lives. */
  dataDir: string;
  /** The secret's value, read as the caller (Secrets Manager's GetSecretValue). */
  readSecret(secretArn: string, ctx: CallContext): Promise<string | undefined>;
}

/** Where a cluster's Postgres wire endpoint answers. */
export interface ClusterEndpoint {
  address: string;
  port: number;
}

export class RdsDataOperations {
  private readonly open = new Map<string, OpenCluster>();
  private readonly transactions = new Map<string, Transaction>();
  private readonly wire: WireListeners;

  constructor(private readonly deps: RdsDataDeps) {
    this.wire = new WireListeners({ cluster: (arn) => deps.clusters.get(arn), session: (arn) => this.session(arn) });
  }

  // ---- clusters (what CloudFormation's AWS::RDS::DBCluster and DBInstance drive) ----

  /** Records the cluster and opens its wire endpoint (keeping the port it had). */
  async createCluster(row: ClusterRow): Promise<ClusterEndpoint> {
    const port = this.deps.clusters.get(row.arn)?.port ?? undefined;
    this.deps.clusters.put(row);
    return this.listen(row.arn, port);
  }

  /** The wire endpoints of the clusters recorded before this start, on their ports when free. */
  async start(): Promise<void> {
    for (const row of this.deps.clusters.list()) await this.listen(row.arn, row.port ?? undefined);
  }

  endpoint(arn: string): ClusterEndpoint | undefined {
    const port = this.wire.port(arn);
    return port === undefined ? undefined : { address: WIRE_HOST, port };
  }

  /** Every cluster with its endpoint and master credentials (what `sst dev` prints). */
  listClusters(): Array<ClusterRow & { endpoint?: ClusterEndpoint }> {
    return this.deps.clusters.list().map((row) => ({ ...row, endpoint: this.endpoint(row.arn) }));
  }

  private async listen(arn: string, preferredPort: number | undefined): Promise<ClusterEndpoint> {
    const port = await this.wire.listen(arn, preferredPort);
    if (port !== preferredPort) this.deps.clusters.setPort(arn, port);
    return { address: WIRE_HOST, port };
  }

  async deleteCluster(arn: string): Promise<void> {
    await this.wire.stop(arn);
    const open = this.open.get(arn);
    this.open.delete(arn);
    for (const [id, tx] of this.transactions) if (tx.clusterArn === arn) this.endTransaction(id);
    if (open) await (await open.session.catch(() => undefined))?.pg.close().catch(() => {});
    this.deps.clusters.remove(arn);
    fs.rmSync(this.clusterDir(arn), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    for (const id of [...this.transactions.keys()]) this.endTransaction(id);
    await this.wire.close();
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (c) => (await c.session.catch(() => undefined))?.pg.close().catch(() => {})));
  }

  // ---- the Data API ----

  async ExecuteStatement(input: Target & StatementOptions & { sql: string; transactionId?: string; parameters?: SqlParameter[] }, ctx: CallContext): Promise<StatementResult> {
    return this.withSession(input, ctx, input.transactionId, input.sql, (pg, types) => executeStatement(pg, input.sql, input, types));
  }

  async BatchExecuteStatement(input: Target & { sql: string; transactionId?: string; parameterSets?: SqlParameter[][] }, ctx: CallContext) {
    const sets = input.parameterSets?.length ? input.parameterSets : [[]];
    return this.withSession(input, ctx, input.transactionId, input.sql, async (pg, types) => {
      // Outside a transaction the batch is all or nothing.
      const own = !input.transactionId;
      if (own) await pg.exec("BEGIN");
      try {
        const updateResults = [];
        for (const parameters of sets) {
          const r = await executeStatement(pg, input.sql, { parameters }, types);
          updateResults.push({ generatedFields: r.generatedFields });
        }
        if (own) await pg.exec("COMMIT");
        return { updateResults };
      } catch (err) {
        if (own) await pg.exec("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  async BeginTransaction(input: Target, ctx: CallContext) {
    const cluster = await this.checkTarget(input, ctx);
    const open = this.opened(cluster);
    const session = await open.session;
    const pg = session.pg;
    const release = await session.acquire(open.dataApi, SESSION_WAIT_MS, sessionBusy);
    try {
      await pg.exec("BEGIN");
    } catch (err) {
      release();
      throw databaseError(err);
    }
    const transactionId = randomBytes(138).toString("base64").replace(/[+/=]/g, "").slice(0, 184);
    this.transactions.set(transactionId, { clusterArn: cluster.arn, release, idle: this.idleTimer(transactionId) });
    return { transactionId };
  }

  async CommitTransaction(input: { resourceArn: string; secretArn: string; transactionId: string }, ctx: CallContext) {
    await this.finish(input, ctx, "COMMIT");
    return { transactionStatus: "Transaction Committed" };
  }

  async RollbackTransaction(input: { resourceArn: string; secretArn: string; transactionId: string }, ctx: CallContext) {
    await this.finish(input, ctx, "ROLLBACK");
    return { transactionStatus: "Rollback Complete" };
  }

  /** The deprecated ExecuteSql (Aurora Serverless v1): `;`-separated statements, results as frames. */
  async ExecuteSql(input: { dbClusterOrInstanceArn: string; awsSecretStoreArn: string; sqlStatements: string; database?: string }, ctx: CallContext) {
    const target = { resourceArn: input.dbClusterOrInstanceArn, secretArn: input.awsSecretStoreArn, database: input.database };
    return this.withSession(target, ctx, undefined, input.sqlStatements, async (pg) => {
      let results;
      try {
        results = await pg.exec(input.sqlStatements);
      } catch (err) {
        throw databaseError(err);
      }
      return {
        sqlStatementResults: results.map((r) => ({
          numberOfRecordsUpdated: r.affectedRows ?? 0,
          ...(r.fields.length
            ? {
                resultFrame: {
                  resultSetMetadata: { columnCount: r.fields.length, columnMetadata: r.fields.map((f) => ({ name: f.name, label: f.name, type: 0 })) },
                  records: (r.rows as Record<string, unknown>[]).map((row) => ({ values: Object.values(row).map(legacyValue) })),
                },
              }
            : {}),
        })),
      };
    });
  }

  // ---- checks and sessions ----

  private clusterDir(arn: string): string {
    // A DB instance's directory is told apart from a cluster's of the same name.
    const [kind, id] = arn.split(":").slice(-2);
    return path.join(this.deps.dataDir, kind === "db" ? `db-${id}` : id!);
  }

  /** The cluster, after the checks the Data API makes before running anything. */
  private async checkTarget(input: Target, ctx: CallContext): Promise<ClusterRow> {
    const cluster = this.deps.clusters.get(input.resourceArn);
    if (!cluster) throw new AwsError("BadRequestException", `Invalid cluster arn: ${input.resourceArn}`);
    if (!cluster.http_endpoint) {
      throw new AwsError("HttpEndpointNotEnabledException", `HttpEndpoint is not enabled for cluster ${cluster.identifier}. Please refer to https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.html#data-api.troubleshooting`);
    }
    let secret: string | undefined;
    try {
      secret = await this.deps.readSecret(input.secretArn, ctx);
    } catch (err) {
      const message = err instanceof AwsError ? err.message : String(err);
      throw new AwsError("SecretsErrorException", `Error fetching secret ${input.secretArn}: ${message}`);
    }
    let credentials: { username?: unknown; password?: unknown } = {};
    try {
      credentials = JSON.parse(secret ?? "");
    } catch {
      /* not JSON */
    }
    if (typeof credentials.username !== "string" || typeof credentials.password !== "string") {
      throw new AwsError("InvalidSecretException", "The secret must be a JSON object with the string fields \"username\" and \"password\".");
    }
    if (credentials.username !== cluster.master_username || credentials.password !== cluster.master_password) {
      throw new AwsError("DatabaseErrorException", `FATAL: password authentication failed for user "${credentials.username}"; SQLState: 28P01`);
    }
    const database = input.database || cluster.database;
    if (database !== cluster.database) {
      throw new AwsError("DatabaseErrorException", `FATAL: database "${database}" does not exist; SQLState: 3D000`);
    }
    return cluster;
  }

  private opened(cluster: ClusterRow): OpenCluster {
    let open = this.open.get(cluster.arn);
    if (!open) {
      const session = openClusterDatabase(this.clusterDir(cluster.arn), cluster.database).then((pg) => ClusterSession.open(pg));
      // The Data API prints timestamps with zone in UTC: the cluster's default TimeZone, which a reset restores.
      open = { session, dataApi: { label: "Data API", settings: new Map() }, types: new Map() };
      this.open.set(cluster.arn, open);
      session.catch(() => this.open.delete(cluster.arn));
    }
    return open;
  }

  /** The cluster's Postgres session (opened on first use), for its wire connections. */
  session(arn: string): Promise<ClusterSession> {
    const cluster = this.deps.clusters.get(arn);
    if (!cluster) return Promise.reject(new Error(`no cluster ${arn}`));
    return this.opened(cluster).session;
  }

  /** Runs `fn` in the transaction's session, or holding the session for one statement. */
  private async withSession<T>(input: Target, ctx: CallContext, transactionId: string | undefined, sql: string, fn: (pg: PGlite, types: TypeInfo) => Promise<T>): Promise<T> {
    const cluster = await this.checkTarget(input, ctx);
    const open = this.opened(cluster);
    if (mayChangeSettings(sql)) open.dataApi.touched = true;
    const session = await open.session;
    const pg = session.pg;
    const types = this.typeInfo(pg, open);
    if (transactionId !== undefined) {
      const tx = this.transactionOf(transactionId, cluster.arn);
      clearTimeout(tx.idle);
      tx.idle = this.idleTimer(transactionId);
      return fn(pg, types);
    }
    const release = await session.acquire(open.dataApi, SESSION_WAIT_MS, sessionBusy);
    try {
      return await fn(pg, types);
    } finally {
      release();
    }
  }

  private typeInfo(pg: PGlite, open: OpenCluster): TypeInfo {
    return async (oid) => {
      let known = open.types.get(oid);
      if (!known) {
        try {
          const r = await pg.query<{ typname: string; typelem: number }>("SELECT typname, typelem::int AS typelem FROM pg_type WHERE oid = $1", [oid]);
          known = { name: r.rows[0]?.typname ?? "unknown", element: r.rows[0]?.typelem ?? 0 };
          open.types.set(oid, known);
        } catch {
          // An aborted transaction cannot look types up.
          return { name: "unknown", element: 0 };
        }
      }
      return known;
    };
  }

  private transactionOf(id: string, clusterArn: string): Transaction {
    const tx = this.transactions.get(id);
    if (!tx || tx.clusterArn !== clusterArn) throw new AwsError("TransactionNotFoundException", `Transaction ${id} is not found`, 404);
    return tx;
  }

  private async finish(input: { resourceArn: string; secretArn: string; transactionId: string }, ctx: CallContext, command: "COMMIT" | "ROLLBACK"): Promise<void> {
    const cluster = await this.checkTarget(input, ctx);
    this.transactionOf(input.transactionId, cluster.arn);
    const { pg } = await this.opened(cluster).session;
    try {
      await pg.exec(command);
    } catch (err) {
      throw databaseError(err);
    } finally {
      this.endTransaction(input.transactionId);
    }
  }

  private endTransaction(id: string): void {
    const tx = this.transactions.get(id);
    if (!tx) return;
    clearTimeout(tx.idle);
    this.transactions.delete(id);
    tx.release();
  }

  private idleTimer(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const tx = this.transactions.get(id);
      if (!tx) return;
      void this.open.get(tx.clusterArn)?.session.then(({ pg }) => pg.exec("ROLLBACK")).catch(() => {}).finally(() => this.endTransaction(id));
    }, TRANSACTION_IDLE_MS);
    timer.unref?.();
    return timer;
  }
}

function sessionBusy(): AwsError {
  return new AwsError("StatementTimeoutException", "The statement waited 45 seconds for another caller's open transaction on this local cluster (a Data API transaction or a Postgres connection's: the local cloud's Postgres runs one transaction at a time).");
}

/** ExecuteSql's `Value`: the deprecated API's own value shape. */
function legacyValue(v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return { isNull: true };
  if (typeof v === "boolean") return { bitValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { bigIntValue: v } : { doubleValue: v };
  if (v instanceof Uint8Array) return { blobValue: Buffer.from(v).toString("base64") };
  if (Array.isArray(v)) return { arrayValues: v.map(legacyValue) };
  return { stringValue: v instanceof Date ? v.toISOString() : String(v) };
}
