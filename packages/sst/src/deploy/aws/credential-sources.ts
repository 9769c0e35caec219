/**
 * Where the AWS credentials of a command would come from, found without a network
 * call: flags, environment variables, and the profiles in the shared config files.
 * The target rule (../target-rule.ts) asks this whether AWS credentials exist at all;
 * the AWS environment (environment.ts) builds its credential provider from the answer,
 * so what the target line says is what the SDK then uses.
 *
 * The order follows SST v2 and the AWS SDK: an explicit `--profile` first; static keys
 * in the environment beat the config's `profile` (so a CI job with keys deploys with
 * them, whatever profile the config names for developers), but lose to `AWS_PROFILE`,
 * as they do inside the SDK's own chain.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type CredentialSource =
  | { kind: "profile"; profile: string; from: "--profile" | "AWS_PROFILE" | "sst.config.ts" | "default profile" }
  | { kind: "environment" }
  | { kind: "web-identity"; roleArn: string }
  | { kind: "container" }
  /** Nothing found here, but AWS was asked for (--aws): the SDK's chain may still find some (an EC2 instance role). */
  | { kind: "default-chain" };

export interface CredentialFacts {
  /** `--profile` on the command line. */
  flagProfile?: string;
  /** `profile` returned by the config. */
  configProfile?: string;
  env: NodeJS.ProcessEnv;
  /** Whether the shared config/credentials files define a usable `default` profile. */
  hasDefaultProfile(): boolean;
}

/** The credential source the SDK will use, or undefined when there is none to find. */
export function findCredentialSource(facts: CredentialFacts): CredentialSource | undefined {
  const { env } = facts;
  if (facts.flagProfile) return { kind: "profile", profile: facts.flagProfile, from: "--profile" };
  const staticKeys = Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  if (staticKeys) return env.AWS_PROFILE ? { kind: "profile", profile: env.AWS_PROFILE, from: "AWS_PROFILE" } : { kind: "environment" };
  if (facts.configProfile) return { kind: "profile", profile: facts.configProfile, from: "sst.config.ts" };
  if (env.AWS_PROFILE) return { kind: "profile", profile: env.AWS_PROFILE, from: "AWS_PROFILE" };
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return { kind: "web-identity", roleArn: env.AWS_ROLE_ARN };
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return { kind: "container" };
  if (facts.hasDefaultProfile()) return { kind: "profile", profile: "default", from: "default profile" };
  return undefined;
}

/** "profile dev", "credentials from AWS_ACCESS_KEY_ID", … for the target line and errors. */
export function describeCredentialSource(source: CredentialSource): string {
  switch (source.kind) {
    case "profile":
      return source.from === "default profile" || source.from === "--profile" ? `profile ${source.profile}` : `profile ${source.profile} (${source.from})`;
    case "environment":
      return "credentials from AWS_ACCESS_KEY_ID";
    case "web-identity":
      return `web identity for ${source.roleArn}`;
    case "container":
      return "container credentials";
    case "default-chain":
      return "credentials from the AWS SDK's default chain";
  }
}

/** Keys that make a profile section hold (or lead to) credentials, not only settings such as a region. */
const CREDENTIAL_KEYS = new Set([
  "aws_access_key_id",
  "credential_process",
  "credential_source",
  "role_arn",
  "source_profile",
  "web_identity_token_file",
  "sso_session",
  "sso_start_url",
  "sso_account_id",
  "login_session",
]);

/** Section name → its keys, for an INI text as the AWS shared files write it. */
export function iniSections(text: string): Map<string, Set<string>> {
  const sections = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, "").trim();
    if (!line) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      const name = header[1].replace(/\s+/g, " ");
      current = sections.get(name) ?? new Set();
      sections.set(name, current);
      continue;
    }
    const key = /^([A-Za-z0-9_.-]+)\s*=/.exec(line)?.[1];
    if (key && current) current.add(key.toLowerCase());
  }
  return sections;
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/**
 * Whether `~/.aws/credentials` or `~/.aws/config` (or the files AWS_SHARED_CREDENTIALS_FILE /
 * AWS_CONFIG_FILE name) define a `default` profile with credentials in it.
 */
export function sharedFilesHaveDefaultProfile(env: NodeJS.ProcessEnv = process.env): boolean {
  const home = env.HOME || os.homedir();
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, ".aws", "credentials");
  const configFile = env.AWS_CONFIG_FILE || path.join(home, ".aws", "config");
  const hasCredentials = (keys: Set<string> | undefined) => [...(keys ?? [])].some((k) => CREDENTIAL_KEYS.has(k));
  if (hasCredentials(iniSections(readIfExists(credentialsFile)).get("default"))) return true;
  const config = iniSections(readIfExists(configFile));
  return hasCredentials(config.get("default")) || hasCredentials(config.get("profile default"));
}
