/**
 * Aurora clusters, Postgres DB instances and their credentials, as SST's RDS and CDK's
 * ServerlessCluster, DatabaseCluster and DatabaseInstance write them
 * (AWS::RDS::DBCluster, DBInstance, DBSubnetGroup, AWS::SecretsManager::Secret,
 * SecretTargetAttachment). A PostgreSQL cluster (or standalone postgres instance) is
 * served: it is recorded with services/rdsdata, which opens its Postgres wire endpoint
 * on 127.0.0.1 (the `Endpoint.Address`/`Endpoint.Port` attributes) and, with
 * `EnableHttpEndpoint`, the Data API; its Postgres starts on the first statement or
 * connection. The secret is a real Secrets Manager secret, generated as CloudFormation
 * generates it, and the attachment adds the endpoint's connection fields to it. An
 * instance of an Aurora cluster answers with its cluster's endpoint. A MySQL cluster
 * cannot run locally: its deploy fails saying so. Subnet groups are recorded (there is
 * no network to place a cluster in).
 */
import { createHash } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import { service, type ProviderContext, type ResourceProvider } from "../provider.js";
import { LOCAL_CLUSTER_ENDPOINT, LOCAL_DELETE_CLUSTER, LOCAL_PUT_CLUSTER } from "../../services/rdsdata/index.js";
import type { ClusterEndpoint } from "../../services/rdsdata/operations.js";

type Props = Record<string, any>;

function clusterArn(id: string, ctx: ProviderContext): string {
  return `arn:aws:rds:${ctx.region}:${ctx.accountId}:cluster:${id}`;
}

function instanceArn(id: string, ctx: ProviderContext): string {
  return `arn:aws:rds:${ctx.region}:${ctx.accountId}:db:${id}`;
}

/** An RDS resource id (`cluster-…`, `db-…`): stable for the ARN. */
function resourceId(prefix: string, arn: string): string {
  return `${prefix}-${createHash("sha256").update(arn).digest("base64url").replace(/[^A-Za-z0-9]/g, "").slice(0, 26).toUpperCase()}`;
}

function constructPath(ctx: ProviderContext): string {
  const path = ctx.metadata?.["aws:cdk:path"];
  return typeof path === "string" ? ` (${path})` : "";
}

/**
 * The value of a `{{resolve:secretsmanager:<secret-id>:SecretString:<json-key>:…}}`
 * dynamic reference (how CDK passes a cluster its master credentials); other text as is.
 */
async function resolveSecretReference(value: unknown, ctx: ProviderContext): Promise<string | undefined> {
  if (typeof value !== "string") return value === undefined ? undefined : String(value);
  const m = /^\{\{resolve:secretsmanager:(.+)\}\}$/.exec(value);
  if (!m) return value;
  const parts = m[1]!.split(":");
  // The secret id is a name, or an ARN of seven colon-separated parts.
  const idParts = parts[0] === "arn" ? 7 : 1;
  const secretId = parts.slice(0, idParts).join(":");
  const [, jsonKey, versionStage, versionId] = parts.slice(idParts);
  const out = await service(ctx, "secretsmanager").call("GetSecretValue", {
    SecretId: secretId, ...(versionStage ? { VersionStage: versionStage } : {}), ...(versionId ? { VersionId: versionId } : {}),
  });
  const text = String(out.SecretString ?? "");
  if (!jsonKey) return text;
  const field = JSON.parse(text)[jsonKey];
  if (field === undefined) throw new Error(`${ctx.logicalId}: the secret ${secretId} has no key "${jsonKey}" for a dynamic reference`);
  return String(field);
}

/** Records a Postgres cluster (or standalone instance) with services/rdsdata and returns its wire endpoint. */
async function putDatabase(arn: string, id: string, props: Props, database: unknown, ctx: ProviderContext): Promise<ClusterEndpoint> {
  const engine = String(props.Engine ?? "");
  if (!engine.includes("postgres")) {
    throw new Error(
      `${ctx.resourceType} ${ctx.logicalId}${constructPath(ctx)}: Engine "${engine}" cannot run in the local cloud, which runs Aurora PostgreSQL only ` +
        `(SST's RDS: engine "postgresql11.13" … "postgresql16.1"). The template is unchanged for AWS; deploy this stage to AWS for MySQL.`,
    );
  }
  const username = await resolveSecretReference(props.MasterUsername, ctx);
  const password = await resolveSecretReference(props.MasterUserPassword, ctx);
  if (!username || !password) {
    throw new Error(`${ctx.resourceType} ${ctx.logicalId}${constructPath(ctx)}: MasterUsername and MasterUserPassword are required locally (a password RDS manages itself, ManageMasterUserPassword, is AWS only)`);
  }
  return service(ctx, "rdsdata").call(LOCAL_PUT_CLUSTER, {
    arn, identifier: id, engine, database: String(database ?? "postgres"),
    master_username: username, master_password: password, http_endpoint: props.EnableHttpEndpoint === true || props.EnableHttpEndpoint === "true" ? 1 : 0,
  });
}

async function putCluster(id: string, props: Props, ctx: ProviderContext): Promise<Record<string, unknown>> {
  const arn = clusterArn(id, ctx);
  // The local endpoint is the cluster's Postgres on 127.0.0.1 (the template's Port is AWS only); the reader endpoint is the same server.
  const endpoint = await putDatabase(arn, id, props, props.DatabaseName, ctx);
  return {
    "Endpoint.Address": endpoint.address,
    "Endpoint.Port": String(endpoint.port),
    "ReadEndpoint.Address": endpoint.address,
    DBClusterArn: arn,
    DBClusterResourceId: resourceId("cluster", arn),
  };
}

/**
 * A DB instance: one of an Aurora cluster's (DBClusterIdentifier, as CDK's DatabaseCluster
 * writes its writer and readers) answers at its cluster's endpoint; a standalone postgres
 * instance (CDK's DatabaseInstance) is a database of its own, without the Data API.
 */
async function putInstance(id: string, props: Props, ctx: ProviderContext): Promise<Record<string, unknown>> {
  const arn = instanceArn(id, ctx);
  let endpoint: ClusterEndpoint;
  if (props.DBClusterIdentifier) {
    const cluster = clusterArn(String(props.DBClusterIdentifier).toLowerCase(), ctx);
    endpoint = await service(ctx, "rdsdata").call(LOCAL_CLUSTER_ENDPOINT, { arn: cluster }).catch(() => {
      throw new Error(`${ctx.resourceType} ${ctx.logicalId}${constructPath(ctx)}: DBClusterIdentifier "${props.DBClusterIdentifier}" is not a cluster of the local cloud`);
    });
  } else {
    endpoint = await putDatabase(arn, id, { ...props, EnableHttpEndpoint: false }, props.DBName, ctx);
  }
  return {
    "Endpoint.Address": endpoint.address,
    "Endpoint.Port": String(endpoint.port),
    DBInstanceArn: arn,
    DbiResourceId: resourceId("db", arn),
  };
}

const dbCluster: ResourceProvider = {
  replacementProps: ["DBClusterIdentifier", "Engine", "DatabaseName", "DBSubnetGroupName", "StorageEncrypted", "KmsKeyId"],
  nameProperty: "DBClusterIdentifier",
  async create(props, ctx) {
    const id = String(props.DBClusterIdentifier ?? ctx.physicalName({ maxLength: 63 })).toLowerCase();
    return { physicalId: id, attributes: await putCluster(id, props, ctx) };
  },
  async update(id, props, _old, ctx) {
    return putCluster(id, props, ctx);
  },
  async delete(id, _props, ctx) {
    await service(ctx, "rdsdata").call(LOCAL_DELETE_CLUSTER, { arn: clusterArn(id, ctx) });
  },
};

const dbInstance: ResourceProvider = {
  replacementProps: ["DBInstanceIdentifier", "Engine", "DBName", "DBClusterIdentifier", "DBSubnetGroupName", "StorageEncrypted", "KmsKeyId"],
  nameProperty: "DBInstanceIdentifier",
  async create(props, ctx) {
    const id = String(props.DBInstanceIdentifier ?? ctx.physicalName({ maxLength: 63 })).toLowerCase();
    return { physicalId: id, attributes: await putInstance(id, props, ctx) };
  },
  async update(id, props, _old, ctx) {
    return putInstance(id, props, ctx);
  },
  async delete(id, props, ctx) {
    if (!props.DBClusterIdentifier) await service(ctx, "rdsdata").call(LOCAL_DELETE_CLUSTER, { arn: instanceArn(id, ctx) });
  },
};

/** GenerateSecretString: the template's JSON with a generated password at GenerateStringKey, or a bare password. */
async function generatedSecret(spec: Props, ctx: ProviderContext): Promise<string> {
  const bool = (v: unknown) => (v === undefined ? undefined : v === true || v === "true");
  const { RandomPassword } = await service(ctx, "secretsmanager").call("GetRandomPassword", {
    PasswordLength: spec.PasswordLength !== undefined ? Number(spec.PasswordLength) : undefined,
    ExcludeCharacters: spec.ExcludeCharacters,
    ExcludeNumbers: bool(spec.ExcludeNumbers),
    ExcludePunctuation: bool(spec.ExcludePunctuation),
    ExcludeUppercase: bool(spec.ExcludeUppercase),
    ExcludeLowercase: bool(spec.ExcludeLowercase),
    IncludeSpace: bool(spec.IncludeSpace),
    RequireEachIncludedType: bool(spec.RequireEachIncludedType),
  });
  if (spec.SecretStringTemplate === undefined) return RandomPassword;
  if (!spec.GenerateStringKey) throw new Error(`${ctx.logicalId}: GenerateSecretString needs GenerateStringKey with SecretStringTemplate`);
  return JSON.stringify({ ...JSON.parse(String(spec.SecretStringTemplate)), [spec.GenerateStringKey]: RandomPassword });
}

const secret: ResourceProvider = {
  replacementProps: ["Name"],
  nameProperty: "Name",
  async create(props, ctx) {
    if (props.SecretString !== undefined && props.GenerateSecretString !== undefined) {
      throw new Error(`${ctx.logicalId}: SecretString and GenerateSecretString cannot both be given`);
    }
    const value = props.SecretString !== undefined ? String(props.SecretString) : await generatedSecret(props.GenerateSecretString ?? {}, ctx);
    const out = await service(ctx, "secretsmanager").call("CreateSecret", {
      Name: String(props.Name ?? ctx.physicalName({ maxLength: 128 })),
      Description: props.Description, KmsKeyId: props.KmsKeyId, SecretString: value, Tags: props.Tags,
    });
    return { physicalId: out.ARN, attributes: { Id: out.ARN } };
  },
  async update(arn, props, old, ctx) {
    const sameGenerator = JSON.stringify(props.GenerateSecretString) === JSON.stringify(old.GenerateSecretString);
    if (props.SecretString !== undefined && props.SecretString !== old.SecretString) {
      await service(ctx, "secretsmanager").call("PutSecretValue", { SecretId: arn, SecretString: String(props.SecretString) });
    } else if (props.SecretString === undefined && !sameGenerator) {
      await service(ctx, "secretsmanager").call("PutSecretValue", { SecretId: arn, SecretString: await generatedSecret(props.GenerateSecretString ?? {}, ctx) });
    }
    return { Id: arn };
  },
  async delete(arn, _props, ctx) {
    await service(ctx, "secretsmanager").call("DeleteSecret", { SecretId: arn, ForceDeleteWithoutRecovery: true }).catch((err: { code?: string }) => {
      if (err?.code !== "ResourceNotFoundException") throw err;
    });
  },
};

/** What an attachment adds to the secret for the cluster it targets (as Secrets Manager does for an RDS cluster). */
async function attach(props: Props, ctx: ProviderContext): Promise<void> {
  const secretId = String(props.SecretId);
  const sm = service(ctx, "secretsmanager");
  const current = JSON.parse(String((await sm.call("GetSecretValue", { SecretId: secretId })).SecretString ?? "{}"));
  const id = String(props.TargetId).toLowerCase();
  const isCluster = props.TargetType === "AWS::RDS::DBCluster";
  const arn = isCluster ? clusterArn(id, ctx) : instanceArn(id, ctx);
  const endpoint: ClusterEndpoint = await service(ctx, "rdsdata").call(LOCAL_CLUSTER_ENDPOINT, { arn }).catch(() => {
    throw new Error(`${ctx.resourceType} ${ctx.logicalId}${constructPath(ctx)}: TargetId "${props.TargetId}" is not a ${isCluster ? "cluster" : "postgres DB instance"} of the local cloud`);
  });
  const fields = { engine: "postgres", host: endpoint.address, port: endpoint.port, ...(isCluster ? { dbClusterIdentifier: id } : { dbInstanceIdentifier: id }) };
  await sm.call("PutSecretValue", { SecretId: secretId, SecretString: JSON.stringify({ ...current, ...fields }) });
}

const secretTargetAttachment: ResourceProvider = {
  replacementProps: ["SecretId"],
  async create(props, ctx) {
    await attach(props, ctx);
    // Ref of an attachment is the secret's ARN.
    return { physicalId: String(props.SecretId) };
  },
  async update(_id, props, _old, ctx) {
    await attach(props, ctx);
    return {};
  },
  async delete() {},
};

export const rdsProviders: Record<string, ResourceProvider> = {
  "AWS::RDS::DBCluster": dbCluster,
  "AWS::RDS::DBInstance": dbInstance,
  "AWS::RDS::DBSubnetGroup": recordedProvider({
    replacementProps: ["DBSubnetGroupName"],
    nameProperty: "DBSubnetGroupName",
    id: (p, ctx) => String(p.DBSubnetGroupName ?? ctx.physicalName({ maxLength: 255 })).toLowerCase(),
  }),
  "AWS::SecretsManager::Secret": secret,
  "AWS::SecretsManager::SecretTargetAttachment": secretTargetAttachment,
};
