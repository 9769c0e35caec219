/**
 * RDS: the app's databases (from each stack's SSTMetadata output, as SST v2's Console
 * reads them), their kysely migrations — listed and applied by invoking the RDS
 * construct's migrator function, which is how migrations run under `sst dev` — and a
 * query box over the Data API.
 */
import type { ConsoleContext } from "../context.js";
import { ConsoleError, requireString } from "../http.js";

interface Database {
  id: string;
  stack: string;
  engine: string;
  clusterArn: string;
  secretArn: string;
  defaultDatabaseName: string;
  /** The migrator function's ARN when the construct has `migrations`. */
  migrator?: string;
}

export async function listDatabases(ctx: ConsoleContext): Promise<{ databases: Database[] }> {
  const described = await ctx.cloud.cloudformation.call("DescribeStacks", {});
  const databases: Database[] = [];
  for (const stack of described?.Stacks ?? []) {
    if (!String(stack.StackName ?? "").startsWith(`${ctx.stage}-${ctx.app}-`)) continue;
    const raw = (stack.Outputs ?? []).find((o: any) => o.OutputKey === "SSTMetadata")?.OutputValue;
    let constructs: any[] = [];
    try {
      constructs = JSON.parse(raw ?? "{}").metadata ?? [];
    } catch {
      continue;
    }
    for (const c of constructs.filter((c) => c.type === "RDS")) {
      const migrator = c.data.migrator && constructs.find((f) => f.type === "Function" && f.addr === c.data.migrator.node);
      databases.push({
        id: c.id, stack: stack.StackName, engine: c.data.engine, clusterArn: c.data.clusterArn, secretArn: c.data.secretArn,
        defaultDatabaseName: c.data.defaultDatabaseName, migrator: migrator?.data?.arn,
      });
    }
  }
  return { databases };
}

async function database(ctx: ConsoleContext, id: string): Promise<Database> {
  const found = (await listDatabases(ctx)).databases.find((d) => d.id === id);
  if (!found) throw new ConsoleError("NotFound", `No RDS "${id}" in this stage`, 404);
  return found;
}

async function invokeMigrator(ctx: ConsoleContext, db: Database, event: unknown): Promise<any> {
  if (!db.migrator) throw new ConsoleError("NoMigrations", `RDS "${db.id}" has no "migrations"`);
  const out = await ctx.cloud.lambda.call("Invoke", { FunctionName: db.migrator, Payload: Buffer.from(JSON.stringify(event)) });
  const payload = JSON.parse(Buffer.from(out?.Payload ?? []).toString("utf8") || "null");
  if (out?.FunctionError) throw new ConsoleError(payload?.errorType ?? "MigrationFailed", payload?.errorMessage ?? "The migrator failed");
  return payload;
}

/** The migrations kysely knows, with when each ran (undefined: pending). */
export async function listMigrations(ctx: ConsoleContext, id: string) {
  const db = await database(ctx, id);
  const migrations = (await invokeMigrator(ctx, db, { type: "list" })) as { name: string; executedAt?: string }[];
  return { migrations: migrations.map((m) => ({ name: m.name, executedAt: m.executedAt })) };
}

/** Applies (or reverts to) migration `to`; without it, every pending one. */
export async function migrate(ctx: ConsoleContext, body: any) {
  const db = await database(ctx, requireString(body?.id, "id"));
  const to = typeof body?.to === "string" ? body.to : undefined;
  const result = await invokeMigrator(ctx, db, to === undefined ? { type: "latest" } : { type: "to", data: { name: to } });
  return { results: result?.results ?? [] };
}

/** Runs one statement through the Data API (as the admin), records as JSON. */
export async function query(ctx: ConsoleContext, body: any) {
  const db = await database(ctx, requireString(body?.id, "id"));
  const sql = requireString(body?.sql, "sql");
  if (!ctx.cloud.rdsdata) throw new ConsoleError("NotServed", "This local cloud has no Data API");
  const out = await ctx.cloud.rdsdata.call("ExecuteStatement", {
    resourceArn: db.clusterArn, secretArn: db.secretArn, database: db.defaultDatabaseName, sql, formatRecordsAs: "JSON",
  });
  return { rows: out.formattedRecords ? JSON.parse(out.formattedRecords) : [], updated: out.numberOfRecordsUpdated ?? 0 };
}
