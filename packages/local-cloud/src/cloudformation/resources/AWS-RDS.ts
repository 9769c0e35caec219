/**
 * Aurora clusters and their credentials, as SST's RDS writes them
 * (AWS::RDS::DBCluster, DBSubnetGroup, AWS::SecretsManager::Secret,
 * SecretTargetAttachment). A PostgreSQL cluster with the Data API is served: the
 * cluster is recorded with the Data API (services/rdsdata), whose Postgres starts on the
 * first statement; the secret is a real Secrets Manager secret, generated as
 * CloudFormation generates it, and the attachment adds the cluster's connection fields
 * to it. A MySQL cluster cannot run locally: its deploy fails saying so. Subnet groups
 * are recorded (there is no network to place a cluster in).
 */
import { createHash } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import { service, type ProviderContext, type ResourceProvider } from "../provider.js";
import { LOCAL_DELETE_CLUSTER, LOCAL_PUT_CLUSTER } from "../../services/rdsdata/index.js";

type Props = Record<string, any>;

function clusterPort(props: Props): number {
  if (props.Port) return Number(props.Port);
  return String(props.Engine ?? "").includes("postgres") ? 5432 : 3306;
}

/** The part of a cluster's endpoint that is the same for every cluster of an account and region, as on AWS. */
function endpointSuffix(ctx: ProviderContext): string {
  return createHash("sha256").update(`${ctx.accountId}:${ctx.region}`).digest("hex").slice(0, 12);
}

function clusterHost(id: string, ctx: ProviderContext): string {
  return `${id}.cluster-${endpointSuffix(ctx)}.${ctx.region}.rds.amazonaws.com`;
}

function clusterArn(id: string, ctx: ProviderContext): string {
  return `arn:aws:rds:${ctx.region}:${ctx.accountId}:cluster:${id}`;
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

async function putCluster(id: string, props: Props, ctx: ProviderContext): Promise<Record<string, unknown>> {
  const engine = String(props.Engine ?? "");
  if (!engine.includes("postgres")) {
    throw new Error(
      `${ctx.resourceType} ${ctx.logicalId}${constructPath(ctx)}: Engine "${engine}" cannot run in the local cloud, which runs Aurora PostgreSQL only ` +
        `(SST's RDS: engine "postgresql11.13" … "postgresql16.1"). The template is unchanged for AWS; deploy this stage to AWS for MySQL.`,
    );
  }
  const username = await resolveSecretReference(props.MasterUsername, ctx);
  const password = await resolveSecretReference(props.MasterUserPassword, ctx);
  if (!username || !password) throw new Error(`${ctx.resourceType} ${ctx.logicalId}${constructPath(ctx)}: MasterUsername and MasterUserPassword are required`);
  const arn = clusterArn(id, ctx);
  await service(ctx, "rdsdata").call(LOCAL_PUT_CLUSTER, {
    arn, identifier: id, engine, database: String(props.DatabaseName ?? "postgres"),
    master_username: username, master_password: password, http_endpoint: props.EnableHttpEndpoint === true || props.EnableHttpEndpoint === "true" ? 1 : 0,
  });
  const host = clusterHost(id, ctx);
  return {
    "Endpoint.Address": host,
    "Endpoint.Port": String(clusterPort(props)),
    "ReadEndpoint.Address": host.replace(".cluster-", ".cluster-ro-"),
    DBClusterArn: arn,
    DBClusterResourceId: `cluster-${createHash("sha256").update(arn).digest("base64url").replace(/[^A-Za-z0-9]/g, "").slice(0, 26).toUpperCase()}`,
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
  const fields = props.TargetType === "AWS::RDS::DBCluster"
    ? { engine: "postgres", host: clusterHost(id, ctx), port: 5432, dbClusterIdentifier: id }
    : { host: clusterHost(id, ctx), dbInstanceIdentifier: id };
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
  "AWS::RDS::DBSubnetGroup": recordedProvider({
    replacementProps: ["DBSubnetGroupName"],
    nameProperty: "DBSubnetGroupName",
    id: (p, ctx) => String(p.DBSubnetGroupName ?? ctx.physicalName({ maxLength: 255 })).toLowerCase(),
  }),
  "AWS::SecretsManager::Secret": secret,
  "AWS::SecretsManager::SecretTargetAttachment": secretTargetAttachment,
};
