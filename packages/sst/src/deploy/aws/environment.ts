/**
 * The AWS environment a command acts on: one credential provider (the source
 * credential-sources.ts found, optionally through `--role` / the config's `role`), the
 * region, and the account from STS GetCallerIdentity — the same answer the CDK toolkit
 * will get, so the app is synthesized for the account it is deployed to. Every AWS
 * client of the CLI and the toolkit itself use this provider, so a role is assumed
 * once and refreshed before it expires. AWS_ENDPOINT_URL, when set, points all of it
 * at another endpoint, such as a local cloud playing AWS.
 */
import os from "node:os";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { CliError } from "../../cli/command.js";
import { describeCredentialSource, type CredentialSource } from "./credential-sources.js";

export interface AwsEnvironment {
  account: string;
  region: string;
  /** The caller's identity ARN (the assumed role's session when `role` is set). */
  callerArn: string;
  credentials: AwsCredentialIdentityProvider;
  source: CredentialSource;
  /** The role assumed on top of the source credentials. */
  role?: string;
  /** AWS_ENDPOINT_URL, when the commands talk to something other than AWS. */
  endpoint?: string;
}

/** Settings for an AWS SDK v3 client acting in this environment. */
export function clientConfig(env: AwsEnvironment): { region: string; credentials: AwsCredentialIdentityProvider; endpoint?: string } {
  return { region: env.region, credentials: env.credentials, ...(env.endpoint ? { endpoint: env.endpoint } : {}) };
}

/** "AWS account 123456789012, us-east-1, profile dev" (+ role, + endpoint). */
export function describeAwsEnvironment(env: AwsEnvironment): string {
  const parts = [`AWS account ${env.account}`, env.region, describeCredentialSource(env.source)];
  if (env.role) parts.push(`role ${env.role}`);
  if (env.endpoint) parts.push(`endpoint ${env.endpoint}`);
  return parts.join(", ");
}

/** The SDK provider for a credential source. */
async function sourceProvider(source: CredentialSource, region: string): Promise<AwsCredentialIdentityProvider> {
  const providers = await import("@aws-sdk/credential-providers");
  switch (source.kind) {
    case "environment":
      return providers.fromEnv();
    case "profile":
      // The node chain with a profile resolves every kind of profile (keys, SSO, role, process).
      return providers.fromNodeProviderChain({ profile: source.profile, clientConfig: { region } });
    default:
      return providers.fromNodeProviderChain({ clientConfig: { region } });
  }
}

/** A session name AWS accepts ([\w+=,.@-]{2,64}) that says who ran the CLI. */
export function roleSessionName(user = safeUserName()): string {
  return `sst-${user}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}

function safeUserName(): string {
  try {
    return os.userInfo().username || "cli";
  } catch {
    return "cli";
  }
}

/** Reuses a provider's credentials until five minutes before they expire. */
function refreshing(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return () => {
    const fresh = (c: AwsCredentialIdentity) => !c.expiration || c.expiration.getTime() - Date.now() > 5 * 60_000;
    if (current) {
      const pending = current;
      return pending.then((c) => (fresh(c) ? c : (current = provider())));
    }
    current = provider();
    current.catch(() => (current = undefined));
    return current;
  };
}

export async function resolveAwsEnvironment(opts: { region: string; source: CredentialSource; role?: string }): Promise<AwsEnvironment> {
  const base = await sourceProvider(opts.source, opts.region);
  let credentials = base;
  if (opts.role) {
    const { fromTemporaryCredentials } = await import("@aws-sdk/credential-providers");
    credentials = fromTemporaryCredentials({
      masterCredentials: base,
      params: { RoleArn: opts.role, RoleSessionName: roleSessionName() },
      clientConfig: { region: opts.region },
    });
  }
  credentials = refreshing(credentials);
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = new STSClient({ region: opts.region, credentials });
  const endpoint = process.env.AWS_ENDPOINT_URL || undefined;
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    if (!id.Account) throw new Error("STS GetCallerIdentity returned no account");
    return { account: id.Account, region: opts.region, callerArn: id.Arn ?? "", credentials, source: opts.source, role: opts.role, endpoint };
  } catch (err) {
    const e = err as Error & { name?: string };
    const where = endpoint ? ` at ${endpoint}` : "";
    const reason = `${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${String(e.message).replace(/\.+$/, "")}`;
    const via = `${describeCredentialSource(opts.source)}${opts.role ? `, role ${opts.role}` : ""}`;
    throw new CliError(
      `Could not identify the AWS account (${via}; STS GetCallerIdentity${where}): ${reason}. ` +
        `Check the credentials (--profile, "profile" in sst.config.ts, AWS_PROFILE, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)` +
        `${opts.role ? " and that they may assume the role" : ""}, or pass --local to use the local cloud.`,
    );
  } finally {
    sts.destroy();
  }
}

/**
 * The app reads CDK_DEFAULT_ACCOUNT/REGION when it builds its stacks (and the synth
 * cache keys on them), and the toolkit reads the target account from the assembly, so
 * they are set before synth.
 */
export function exportForSynth(env: AwsEnvironment): void {
  process.env.CDK_DEFAULT_ACCOUNT = env.account;
  process.env.CDK_DEFAULT_REGION = env.region;
}

/**
 * Credentials for a child process (`sst bind`): the resolved ones, so an assumed role
 * or an SSO profile works in the child without it knowing about either.
 */
export async function credentialEnvironment(env: AwsEnvironment): Promise<Record<string, string>> {
  const c = await env.credentials();
  return {
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    ...(c.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}),
    AWS_REGION: env.region,
    AWS_DEFAULT_REGION: env.region,
  };
}
