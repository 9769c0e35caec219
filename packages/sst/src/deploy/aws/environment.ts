/**
 * The AWS environment a command targets: credentials from the standard AWS chain
 * (environment variables, `--profile` / the config's `profile` / AWS_PROFILE, SSO,
 * instance roles), the region from the app's config, and the account from STS
 * GetCallerIdentity — the same answer the CDK toolkit will get, so the assembly is
 * synthesized for the account it is deployed to. AWS_ENDPOINT_URL, when set, points
 * all of it (and the toolkit) at another endpoint, such as the local cloud.
 */
import { CliError } from "../../cli/command.js";

export interface AwsEnvironment {
  account: string;
  region: string;
  /** The caller's identity ARN, for messages. */
  callerArn: string;
  profile?: string;
  /** AWS_ENDPOINT_URL, when the commands talk to something other than AWS. */
  endpoint?: string;
}

/**
 * Selects the profile for this process: the AWS SDK (and the toolkit, which builds
 * its clients from the same chain) read AWS_PROFILE, so one assignment covers both.
 */
export function applyProfile(profile: string | undefined): string | undefined {
  if (profile) process.env.AWS_PROFILE = profile;
  return process.env.AWS_PROFILE || undefined;
}

export async function resolveAwsEnvironment(opts: { region: string; profile?: string }): Promise<AwsEnvironment> {
  const profile = applyProfile(opts.profile);
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = new STSClient({ region: opts.region });
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    if (!id.Account) throw new Error("STS GetCallerIdentity returned no account");
    return { account: id.Account, region: opts.region, callerArn: id.Arn ?? "", profile, endpoint: process.env.AWS_ENDPOINT_URL || undefined };
  } catch (err) {
    const e = err as Error & { name?: string };
    const where = process.env.AWS_ENDPOINT_URL ? ` at ${process.env.AWS_ENDPOINT_URL}` : "";
    const reason = `${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${String(e.message).replace(/\.+$/, "")}`;
    throw new CliError(
      `Could not identify the AWS account${profile ? ` of profile "${profile}"` : ""} (STS GetCallerIdentity${where}): ${reason}. ` +
        `Check the credentials: AWS_PROFILE (or --profile, or "profile" in sst.config.ts), or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.`,
    );
  } finally {
    sts.destroy();
  }
}

/**
 * The CDK toolkit reads the target account from the synthesized assembly; the app
 * reads CDK_DEFAULT_ACCOUNT/REGION when it builds its stacks (and the synth cache keys
 * on them), so they must be set before synth.
 */
export function exportForSynth(env: AwsEnvironment): void {
  process.env.CDK_DEFAULT_ACCOUNT = env.account;
  process.env.CDK_DEFAULT_REGION = env.region;
}
