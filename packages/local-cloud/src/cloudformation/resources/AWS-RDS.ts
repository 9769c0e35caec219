/**
 * Aurora clusters and their credentials (AWS::RDS::DBCluster, DBSubnetGroup,
 * AWS::SecretsManager::Secret, SecretTargetAttachment — what SST's RDS writes):
 * recorded, not served. The local cloud has no database engine, RDS Data API or Secrets
 * Manager; the ids, endpoints and ARNs come in AWS's formats so bindings, permissions and
 * outputs that reference them deploy. `sst dev` says so for the construct.
 */
import { randomBytes } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import type { ProviderContext, ResourceProvider } from "../provider.js";

function randomChars(length: number, alphabet: string): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
}

const LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

function clusterPort(props: Record<string, any>): number {
  if (props.Port) return Number(props.Port);
  return String(props.Engine ?? "").includes("postgres") ? 5432 : 3306;
}

function secretArn(ctx: ProviderContext, name: string): string {
  // Secrets Manager appends a hyphen and six random characters to the name.
  return `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${name}-${randomChars(6, MIXED)}`;
}

export const rdsProviders: Record<string, ResourceProvider> = {
  "AWS::RDS::DBCluster": recordedProvider({
    replacementProps: ["DBClusterIdentifier", "Engine", "DatabaseName", "DBSubnetGroupName", "StorageEncrypted", "KmsKeyId"],
    nameProperty: "DBClusterIdentifier",
    id: (p, ctx) => String(p.DBClusterIdentifier ?? ctx.physicalName({ maxLength: 63 })).toLowerCase(),
    attributes: (id, p, ctx) => {
      const host = `${id}.cluster-${randomChars(12, LOWER)}.${ctx.region}.rds.amazonaws.com`;
      const port = String(clusterPort(p));
      return {
        "Endpoint.Address": host,
        "Endpoint.Port": port,
        "ReadEndpoint.Address": host.replace(".cluster-", ".cluster-ro-"),
        DBClusterArn: `arn:aws:rds:${ctx.region}:${ctx.accountId}:cluster:${id}`,
        DBClusterResourceId: `cluster-${randomChars(26, UPPER)}`,
      };
    },
  }),
  "AWS::RDS::DBSubnetGroup": recordedProvider({
    replacementProps: ["DBSubnetGroupName"],
    nameProperty: "DBSubnetGroupName",
    id: (p, ctx) => String(p.DBSubnetGroupName ?? ctx.physicalName({ maxLength: 255 })).toLowerCase(),
  }),
  "AWS::SecretsManager::Secret": recordedProvider({
    replacementProps: ["Name"],
    nameProperty: "Name",
    id: (p, ctx) => secretArn(ctx, String(p.Name ?? ctx.physicalName({ maxLength: 128 }))),
    attributes: (arn) => ({ Id: arn }),
  }),
  "AWS::SecretsManager::SecretTargetAttachment": recordedProvider({
    replacementProps: ["SecretId"],
    // Ref of an attachment is the secret's ARN.
    id: (p) => String(p.SecretId),
  }),
};
