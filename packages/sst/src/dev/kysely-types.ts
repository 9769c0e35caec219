/**
 * RDS `types`, as SST v2's `sst dev` made them: for every RDS construct with `migrations`
 * and `types`, the tables of its default database are read through the Data API and
 * written as kysely types by kysely-codegen (the version SST v2 used), with the database
 * interface named `Database`. It runs after each deploy and after each successful run of
 * the construct's migrator, so applying a migration from the Console updates the file.
 * Nothing here is loaded for apps without such a construct.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { RDSDataClientConfig } from "@aws-sdk/client-rds-data";

/** A database whose types `sst dev` keeps, from the deployed SSTMetadata. */
export interface TypedDatabase {
  id: string;
  engine: string;
  clusterArn: string;
  secretArn: string;
  defaultDatabaseName: string;
  /** Where the types go, relative to the app's root. */
  typesPath: string;
  camelCase: boolean;
  /** The migrator function's name: its successful runs regenerate the types. */
  migratorName: string;
}

interface DeployedStack {
  StackName?: string;
  Outputs?: { OutputKey?: string; OutputValue?: string }[];
}

/** The RDS constructs with `types` (and a migrator, as SST v2 requires) in the stacks' resolved SSTMetadata. */
export function typedDatabasesOf(stacks: DeployedStack[]): TypedDatabase[] {
  const found: TypedDatabase[] = [];
  for (const stack of stacks) {
    const raw = stack.Outputs?.find((o) => o.OutputKey === "SSTMetadata")?.OutputValue;
    let constructs: any[];
    try {
      constructs = JSON.parse(raw ?? "{}").metadata ?? [];
    } catch {
      continue;
    }
    for (const c of constructs) {
      if (c?.type !== "RDS" || !c.data?.types?.path || !c.data.migrator) continue;
      const migrator = constructs.find((f) => f?.type === "Function" && f.addr === c.data.migrator.node);
      const migratorName = String(migrator?.data?.arn ?? "").split(":").pop();
      if (!migratorName) continue;
      found.push({
        id: c.id,
        engine: c.data.engine,
        clusterArn: c.data.clusterArn,
        secretArn: c.data.secretArn,
        defaultDatabaseName: c.data.defaultDatabaseName,
        typesPath: c.data.types.path,
        camelCase: c.data.types.camelCase === true,
        migratorName,
      });
    }
  }
  return found;
}

/** Connection settings for the AWS SDK clients (the local cloud's endpoint and credentials, or none for AWS). */
export interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials?: RDSDataClientConfig["credentials"];
}

/** Whether a synthesized template may hold an RDS with `types` (so deployed stacks are worth describing). */
export function mayHaveTypedDatabase(templateText: string): boolean {
  return templateText.includes('\\"type\\":\\"RDS\\"') && templateText.includes('\\"types\\"');
}

/** The kysely types of `db`'s tables, as kysely-codegen writes them (`export interface Database`). */
export async function kyselyTypesOf(db: TypedDatabase, client: ClientConfig): Promise<string> {
  const [{ Kysely }, { DataApiDialect }, { RDSData }, codegen] = await Promise.all([
    import("kysely"),
    import("kysely-data-api"),
    import("@aws-sdk/client-rds-data"),
    import("kysely-codegen"),
  ]);
  const postgres = db.engine.includes("postgres");
  const rdsData = new RDSData(client);
  const kysely = new Kysely<any>({
    dialect: new DataApiDialect({
      mode: postgres ? "postgres" : "mysql",
      driver: { secretArn: db.secretArn, resourceArn: db.clusterArn, database: db.defaultDatabaseName, client: rdsData },
    }),
  });
  try {
    const dialect = postgres ? new codegen.PostgresDialect() : new codegen.MysqlDialect();
    // Each dialect types its introspector for its own system tables; the Data API serves both.
    const metadata = await dialect.introspector.introspect({ db: kysely as never });
    const nodes = new codegen.Transformer().transform({ dialect, camelCase: db.camelCase, metadata });
    // The last statement is the database interface, which kysely-codegen calls DB.
    const last = nodes.at(-1) as import("kysely-codegen").ExportStatementNode;
    nodes[nodes.length - 1] = { ...last, argument: { ...last.argument, name: "Database" } as typeof last.argument };
    return new codegen.Serializer().serialize(nodes);
  } finally {
    await kysely.destroy();
    rdsData.destroy();
  }
}

interface Reporter {
  success(message: string): void;
  error(message: string): void;
}

/** Keeps each typed database's file current under `sst dev`. */
export class KyselyTypesSync {
  private databases: TypedDatabase[] = [];
  /** Generations in flight, one chain per database, so two never write the same file at once. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly root: string,
    private readonly ui: Reporter,
    private readonly client: ClientConfig,
  ) {}

  /** After a deploy: the stacks as DescribeStacks gives them (outputs resolved). */
  deployed(stacks: DeployedStack[]): void {
    this.databases = typedDatabasesOf(stacks);
    for (const db of this.databases) this.generate(db);
  }

  /** A function run finished successfully: a migrator's run may have changed its tables. */
  functionSucceeded(functionName: string): void {
    for (const db of this.databases) if (db.migratorName === functionName) this.generate(db);
  }

  /** Resolves when the generations under way are done (tests, tools). */
  async idle(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  private generate(db: TypedDatabase): void {
    const file = path.resolve(this.root, db.typesPath);
    const next = (this.chains.get(file) ?? Promise.resolve()).then(async () => {
      try {
        const text = await kyselyTypesOf(db, this.client);
        const old = await fs.readFile(file, "utf8").catch(() => undefined);
        if (old === text) return;
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, text);
        this.ui.success(`Kysely: Generated types for RDS "${db.id}" (${db.typesPath})`);
      } catch (err) {
        this.ui.error(`Kysely: Could not generate types for RDS "${db.id}" (${db.typesPath}): ${(err as Error).message}`);
      }
    });
    this.chains.set(file, next);
  }
}
