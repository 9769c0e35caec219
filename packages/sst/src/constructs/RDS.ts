/**
 * SST's RDS: an Aurora Serverless v1 cluster with the Data API on, as SST v2 writes it —
 * `{stage}-{app}-{id}`, the engine versions SST v2 maps its names to, auto-pause after 5
 * minutes and 2–16 ACUs by default, its own isolated VPC unless given one, credentials in
 * a Secrets Manager secret — and, with `migrations`, a migrator function (kysely over the
 * Data API; support/rds-migrator) that a `Custom::SSTScript` runs on each deploy whose
 * migration files changed. Bound to a function: `RDS.<id>` (clusterArn, secretArn,
 * defaultDatabaseName) with rds-data and secret permissions.
 *
 * Locally a PostgreSQL cluster is served by the local cloud on real Postgres (PGlite):
 * the Data API, and the Postgres wire protocol on 127.0.0.1 at `clusterEndpoint` (and the
 * secret's host/port); its secret is a real Secrets Manager secret; a deploy (AWS or local) runs
 * the migrations, `sst dev` does not (as SST v2: its Console runs them). MySQL engines
 * synthesize for AWS and fail a local synth naming the construct and prop. `sst dev` says once what
 * differs locally (no VPC placement, no scaling or auto-pause).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as rds from "aws-cdk-lib/aws-rds";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn } from "./Function.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import { callSite, propError, sentenceError, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { addLocalNotice } from "./util/local-notice.js";
import { functionRef } from "./util/function-ref.js";
import { isCdkConstruct } from "./util/cdk-construct.js";

const ENGINES = {
  "mysql5.6": () => rds.DatabaseClusterEngine.aurora({ version: rds.AuroraEngineVersion.VER_10A }),
  "mysql5.7": () => rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_2_07_1 }),
  "mysql8.0": () => rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
  "postgresql11.13": () => rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_11_13 }),
  "postgresql11.16": () => rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_11_16 }),
  "postgresql13.12": () => rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_13_12 }),
  "postgresql13.9": () => rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_13_9 }),
  "postgresql14.10": () => rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_14_10 }),
  "postgresql15.5": () => rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_15_5 }),
  "postgresql16.1": () => rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_1 }),
} satisfies Record<string, () => rds.IClusterEngine>;

export type RDSEngineType = keyof typeof ENGINES;

export interface RDSTypes {
  path: string;
  camelCase?: boolean;
}

export interface RDSCdkServerlessClusterProps extends Omit<rds.ServerlessClusterProps, "vpc" | "engine" | "defaultDatabaseName" | "scaling"> {
  vpc?: ec2.IVpc;
}

export interface RDSProps {
  engine: RDSEngineType;
  defaultDatabaseName: string;
  scaling?: {
    /** Minutes idle before pausing; `true` 5, `false` never. @default true */
    autoPause?: boolean | number;
    /** @default "ACU_2" */
    minCapacity?: keyof typeof rds.AuroraCapacityUnit;
    /** @default "ACU_16" */
    maxCapacity?: keyof typeof rds.AuroraCapacityUnit;
  };
  /** Folder of migration modules (relative to the app's root). */
  migrations?: string;
  /** Where `sst dev` writes the kysely types of the default database after deploys and migrations (dev/kysely-types.ts). */
  types?: string | RDSTypes;
  cdk?: {
    id?: string;
    cluster?: rds.IServerlessCluster | RDSCdkServerlessClusterProps;
    secret?: secretsmanager.ISecret;
  };
}

const PROPS = new Set(["engine", "defaultDatabaseName", "scaling", "migrations", "types", "cdk"]);
const MIGRATOR_HANDLER = fileURLToPath(new URL("../../support/rds-migrator/index.handler", import.meta.url));
const SCRIPT_FUNCTION = fileURLToPath(new URL("../../support/script-function/", import.meta.url));
/** Where the migrations are copied in the migrator's bundle. */
const MIGRATIONS_IN_BUNDLE = "sst_rds_migration_scripts";

export class RDS extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "RDS";
  readonly cdk: { cluster: rds.ServerlessCluster };
  migratorFunction?: Fn;
  /** @internal */
  readonly ref: ConstructRef;
  private readonly props: RDSProps;
  private readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: RDSProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "RDS", id, site: callSite() };
    if (!props?.engine) throw sentenceError(this.ref, "engine", `Missing "engine" in the "${this.node.id}" RDS`);
    if (!props.defaultDatabaseName) throw sentenceError(this.ref, "defaultDatabaseName", `Missing "defaultDatabaseName" in the "${this.node.id}" RDS`);
    checkKnownProps(this.ref, props, PROPS);
    if (App.of(this).target === "local" && props.engine.startsWith("mysql")) {
      throw sentenceError(this.ref, "engine", `"${props.engine}" cannot run in the local cloud, which runs Aurora PostgreSQL only: use a "postgresql…" engine locally, or deploy this stage to AWS (its template is unchanged).`);
    }
    this.props = props;
    this.cdk = {} as RDS["cdk"];
    if (isCdkConstruct(props.cdk?.cluster)) {
      if (!props.cdk?.secret) {
        throw sentenceError(this.ref, "cdk.secret", `Missing "cdk.secret" in the "${this.node.id}" RDS. You must provide a secret to import an existing RDS Serverless Cluster.`);
      }
      this.cdk.cluster = props.cdk.cluster as rds.ServerlessCluster;
      this.secret = props.cdk.secret;
    } else {
      this.cdk.cluster = this.createCluster();
      this.secret = this.cdk.cluster.secret!;
    }
    if (props.migrations) this.runMigrations(props.migrations);
    addLocalNotice(this, {
      construct: `RDS "${id}"`,
      prop: "engine",
      local: "served by the local cloud on PostgreSQL (PGlite) in the app's local state, through the Data API and over the Postgres wire protocol at clusterEndpoint (127.0.0.1, one transaction at a time); the VPC, scaling and auto-pause are recorded, not emulated",
    });
  }

  get clusterArn(): string {
    return this.cdk.cluster.clusterArn;
  }

  get clusterIdentifier(): string {
    return this.cdk.cluster.clusterIdentifier;
  }

  get clusterEndpoint(): rds.Endpoint {
    return this.cdk.cluster.clusterEndpoint;
  }

  get defaultDatabaseName(): string {
    return this.props.defaultDatabaseName;
  }

  get secretArn(): string {
    return this.secret.secretArn;
  }

  getConstructMetadata() {
    const { engine, defaultDatabaseName, types } = this.props;
    return {
      type: "RDS" as const,
      data: {
        engine,
        secretArn: this.secretArn,
        types: typeof types === "string" ? { path: types } : types,
        clusterArn: this.clusterArn,
        clusterIdentifier: this.clusterIdentifier,
        defaultDatabaseName,
        migrator: this.migratorFunction && functionRef(this.migratorFunction),
      },
    };
  }

  /** What `permissions: [rds]` grants (SST v2): the Data API on the cluster and reading its secret. */
  permissionStatements(): iam.PolicyStatement[] {
    const statements = [new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["rds-data:*"], resources: [this.clusterArn] })];
    const secret = this.cdk.cluster.secret;
    if (secret) {
      statements.push(new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], resources: [secret.secretArn] }));
    }
    return statements;
  }

  /** @internal */
  getBindings(): BindingProps {
    const secretResource = this.secret.secretFullArn || `${this.secret.secretArn}*`;
    return {
      clientPackage: "rds",
      variables: {
        clusterArn: { type: "plain", value: this.clusterArn },
        secretArn: { type: "plain", value: this.secretArn },
        defaultDatabaseName: { type: "plain", value: this.defaultDatabaseName },
      },
      permissions: {
        "rds-data:*": [this.clusterArn],
        "secretsmanager:GetSecretValue": [secretResource],
        "secretsmanager:DescribeSecret": [secretResource],
        ...(this.secret.encryptionKey ? { "kms:Decrypt": [this.secret.encryptionKey.keyArn] } : {}),
      },
    };
  }

  /** A migrator function for `migrations` and the deploy-time resource that runs it (`database` other than the default). */
  runMigrations(migrations: string, database?: string): void {
    const app = App.of(this);
    const dir = path.resolve(app.appPath, migrations);
    const found = fs.existsSync(dir) ? dir : fs.existsSync(path.resolve(migrations)) ? path.resolve(migrations) : undefined;
    if (!found) throw sentenceError(this.ref, "migrations", `Cannot find the migrations in "${dir}".`);
    this.createMigratorFunction(migrations);
    this.createMigrationResource(found, database);
  }

  private createCluster(): rds.ServerlessCluster {
    const { engine, defaultDatabaseName, scaling, cdk: cdkProps } = this.props;
    const clusterProps = (cdkProps?.cluster ?? {}) as RDSCdkServerlessClusterProps & Record<string, unknown>;
    const uses = (field: string, sentence: string) => {
      if (clusterProps[field] !== undefined) throw sentenceError(this.ref, `cdk.cluster.${field}`, sentence);
    };
    uses("engine", `Use "engine" instead of "cdk.cluster.engine" to configure the RDS database engine.`);
    uses("defaultDatabaseName", `Use "defaultDatabaseName" instead of "cdk.cluster.defaultDatabaseName" to configure the RDS database engine.`);
    uses("scaling", `Use "scaling" instead of "cdk.cluster.scaling" to configure the RDS database auto-scaling.`);
    if (clusterProps.enableDataApi === false) {
      throw sentenceError(this.ref, "cdk.cluster.enableDataApi", `Do not configure the "cdk.cluster.enableDataApi". Data API is always enabled for this construct.`);
    }
    if (clusterProps.credentials?.password) {
      throw sentenceError(this.ref, "cdk.cluster.credentials", `Only credentials managed by SecretManager are supported for the "cdk.cluster.credentials".`);
    }
    const makeEngine = ENGINES[engine];
    if (!makeEngine) {
      throw sentenceError(this.ref, "engine", `The specified "engine" is not supported for sst.RDS. Only ${Object.keys(ENGINES).join(", ")} engines are currently supported.`);
    }
    const autoPause = scaling?.autoPause === false ? 0 : scaling?.autoPause === true || scaling?.autoPause === undefined ? 5 : scaling.autoPause;
    const minCapacity = rds.AuroraCapacityUnit[scaling?.minCapacity ?? "ACU_2"];
    const maxCapacity = rds.AuroraCapacityUnit[scaling?.maxCapacity ?? "ACU_16"];
    if (minCapacity === undefined) throw propError(this.ref, "scaling.minCapacity", `"${scaling?.minCapacity}" is not an Aurora capacity (ACU_1 … ACU_384)`);
    if (maxCapacity === undefined) throw propError(this.ref, "scaling.maxCapacity", `"${scaling?.maxCapacity}" is not an Aurora capacity (ACU_1 … ACU_384)`);
    return new rds.ServerlessCluster(this, "Cluster", {
      clusterIdentifier: App.of(this).logicalPrefixedName(this.node.id),
      ...clusterProps,
      defaultDatabaseName,
      enableDataApi: true,
      engine: makeEngine(),
      scaling: { autoPause: cdk.Duration.minutes(autoPause), minCapacity, maxCapacity },
      // A cluster of its own gets an isolated VPC: the Data API needs no network path to it.
      vpc: clusterProps.vpc ?? new ec2.Vpc(this, "vpc", { natGateways: 0 }),
      vpcSubnets: clusterProps.vpc ? clusterProps.vpcSubnets : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
  }

  private createMigratorFunction(migrations: string): void {
    const { engine, defaultDatabaseName } = this.props;
    const app = App.of(this);
    this.migratorFunction = new Fn(this, "MigrationFunction", {
      handler: MIGRATOR_HANDLER,
      runtime: "nodejs18.x",
      timeout: 900,
      memorySize: 1024,
      environment: {
        RDS_ARN: this.cdk.cluster.clusterArn,
        RDS_SECRET: this.secret.secretArn,
        RDS_DATABASE: defaultDatabaseName,
        RDS_ENGINE_MODE: engine.includes("postgres") ? "postgres" : "mysql",
        // sst dev runs the migrator from source, reading the folder in place.
        RDS_MIGRATIONS_PATH: app.mode === "dev" ? migrations : MIGRATIONS_IN_BUNDLE,
      },
      permissions: [this.cdk.cluster],
      copyFiles: [{ from: migrations, to: MIGRATIONS_IN_BUNDLE }],
      nodejs: { install: ["kysely", "kysely-data-api"], format: "esm" },
      _doNotAllowOthersToBind: true,
    });
  }

  /**
   * SST's script resource runs the migrator on deploy, when the migration files changed
   * (a local deploy too: the local cloud serves the Data API). Under sst dev it runs
   * nothing, as in SST v2, where the Console applies migrations.
   */
  private createMigrationResource(migrationsDir: string, database?: string): void {
    const app = App.of(this);
    const handler = new lambda.Function(this, "MigrationHandler", {
      code: lambda.Code.fromAsset(SCRIPT_FUNCTION),
      runtime: lambda.Runtime.NODEJS_18_X,
      handler: "index.handler",
      timeout: cdk.Duration.minutes(15),
      memorySize: 1024,
      initialPolicy: [new iam.PolicyStatement({ actions: ["cloudformation:DescribeStacks"], resources: [cdk.Stack.of(this).stackId] })],
    });
    this.migratorFunction?.grantInvoke(handler);
    const runs = app.mode !== "dev";
    new cdk.CustomResource(this, "MigrationResource", {
      serviceToken: handler.functionArn,
      resourceType: "Custom::SSTScript",
      properties: {
        UserCreateFunction: runs ? this.migratorFunction?.functionName : undefined,
        UserUpdateFunction: runs ? this.migratorFunction?.functionName : undefined,
        UserParams: JSON.stringify({ database }),
        MigrationsHash: app.mode === "dev" ? 0 : migrationsHash(migrationsDir),
      },
    });
  }
}

/** MD5 of the migration files' contents (node_modules aside), in path order. */
function migrationsHash(dir: string): string {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => !f.split(path.sep).includes("node_modules") && fs.statSync(path.join(dir, f)).isFile())
    .sort();
  const hash = crypto.createHash("md5");
  for (const f of files) hash.update(fs.readFileSync(path.join(dir, f)));
  return hash.digest("hex");
}
