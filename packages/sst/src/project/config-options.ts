/**
 * What `config()` in sst.config.ts may return (SST v2's ConfigOptions). Unknown keys
 * fail loading, naming the file and the key, instead of being ignored.
 */
import { closest } from "../constructs/util/props-check.js";
import type { ConfigOptions } from "./types.js";

const KNOWN = new Set(["name", "region", "stage", "profile", "role", "target", "ssmPrefix", "bootstrap", "cdk", "advanced"]);
const BOOTSTRAP = new Set(["stackName", "tags", "useCdkBucket"]);
const CDK = new Set([
  "toolkitStackName", "qualifier", "bootstrapStackVersionSsmParameter", "fileAssetsBucketName", "deployRoleArn",
  "fileAssetPublishingRoleArn", "imageAssetPublishingRoleArn", "imageAssetsRepositoryName", "cloudFormationExecutionRole",
  "lookupRoleArn", "customPermissionsBoundary", "publicAccessBlockConfiguration", "pathMetadata",
]);
const ADVANCED = new Set(["disableParameterizedStackNameCheck", "disableAppModeCheck"]);

export function checkConfigOptions(file: string, config: ConfigOptions): void {
  check(file, "", config, KNOWN);
  if (config.bootstrap !== undefined) check(file, "bootstrap.", config.bootstrap, BOOTSTRAP);
  if (config.cdk !== undefined) check(file, "cdk.", config.cdk, CDK);
  if (config.advanced !== undefined) check(file, "advanced.", config.advanced, ADVANCED);
  if (config.role !== undefined && (typeof config.role !== "string" || !/^arn:aws[\w-]*:iam::\d{12}:role\/.+/.test(config.role))) {
    throw new Error(`${file}: config "role" must be an IAM role ARN (arn:aws:iam::123456789012:role/name), got ${JSON.stringify(config.role)}`);
  }
}

function check(file: string, prefix: string, obj: object, known: Set<string>): void {
  if (!obj || typeof obj !== "object") throw new Error(`${file}: config "${prefix.replace(/\.$/, "")}" must be an object`);
  for (const key of Object.keys(obj)) {
    if (known.has(key) || (obj as Record<string, unknown>)[key] === undefined) continue;
    const near = closest(key, known);
    throw new Error(`${file}: "${prefix}${key}" is not an SST config option${near ? `. Did you mean "${prefix}${near}"?` : ""}`);
  }
}
