/**
 * The one rule that says where a command acts: the stage's local cloud or AWS.
 * docs/cli.md ("Choosing the target") explains it to users; this file is the rule.
 *
 * First match wins:
 *   1. a flag: `--local` / `--aws` (`sst deploy --to`, `sst remove --from` spell it too);
 *   2. `SST_TARGET=local|aws` in the environment;
 *   3. `target: "local" | "aws"` returned by the config's `config()` (it may depend on
 *      the stage, like any config field);
 *   4. otherwise AWS when AWS credentials can be found (a CI job written for SST v2 keeps
 *      deploying to AWS), and the local cloud when none can (a machine with no account
 *      runs the app locally).
 *
 * Step 4 guesses, so it refuses to guess when a wrong guess would be silent and costly:
 *   - credentials were found but the stage already has local cloud state: the machine
 *     worked locally before, and now would silently talk to an AWS account;
 *   - no credentials in CI, for a command that changes a stage (deploy, remove): a CI
 *     deploy without credentials is a broken secret, not a wish to deploy to a throwaway
 *     local cloud.
 * Either way the command fails and says how to choose.
 */
import { CliError } from "../cli/command.js";

export type TargetKind = "local" | "aws";

export interface TargetFacts {
  /** The command as typed, for messages: "sst deploy". */
  command: string;
  stage: string;
  /** From the command line; `name` is how it was spelled ("--aws", "--to aws"). */
  flag?: { kind: TargetKind; name: string };
  /** SST_TARGET, as set. */
  envTarget?: string;
  /** `target` returned by config(), as returned. */
  configTarget?: unknown;
  /** How AWS credentials would be found ("profile dev"), or undefined when they would not. */
  credentials?: string;
  /** The stage's local cloud state directory, as shown to the user (".sst/local/dev"), and whether it exists. */
  localStateDir: string;
  localStateExists: boolean;
  /** The value of CI when the process runs in CI. */
  ci?: string;
  /** deploy / remove: in CI, refuse to pick the local cloud without being told. */
  changesStage: boolean;
}

export interface TargetChoice {
  kind: TargetKind;
  /** Which step of the rule chose it, for the target line: "--aws", "no AWS credentials found". */
  reason: string;
}

function parseKind(value: unknown, where: string): TargetKind {
  if (value === "local" || value === "aws") return value;
  throw new CliError(`${where} must be "local" or "aws", not ${JSON.stringify(value)}`);
}

const HOW_TO_CHOOSE = `pass --local or --aws, set SST_TARGET=local|aws, or return target: "local" | "aws" from config() in sst.config.ts`;

export function chooseTarget(f: TargetFacts): TargetChoice {
  if (f.flag) return { kind: f.flag.kind, reason: f.flag.name };
  if (f.envTarget !== undefined && f.envTarget !== "") return { kind: parseKind(f.envTarget, "SST_TARGET"), reason: `SST_TARGET=${f.envTarget}` };
  if (f.configTarget !== undefined) return { kind: parseKind(f.configTarget, 'The "target" returned by config() in sst.config.ts'), reason: "target in sst.config.ts" };
  if (f.credentials) {
    if (f.localStateExists)
      throw new CliError(
        `Not sure where "${f.command}" should act: the "${f.stage}" stage has local cloud state (${f.localStateDir}), and AWS credentials were found (${f.credentials}). ` +
          `Nothing was done. To choose, ${HOW_TO_CHOOSE}. (Removing ${f.localStateDir} makes AWS the choice for this stage.)`,
      );
    return { kind: "aws", reason: "AWS credentials found" };
  }
  if (f.ci && f.changesStage)
    throw new CliError(
      `No AWS credentials were found, and this is a CI run (CI=${f.ci}): "${f.command}" does not fall back to the local cloud in CI. ` +
        `To deploy to AWS, give the job AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a web identity role); ` +
        `to use the local cloud, pass --local (or set SST_TARGET=local).`,
    );
  return { kind: "local", reason: "no AWS credentials found" };
}

/** The CI variable as CI services set it ("true", "1", a name), or undefined outside CI. */
export function ciValue(env: NodeJS.ProcessEnv): string | undefined {
  const v = env.CI;
  return v && !/^(false|0)$/i.test(v) ? v : undefined;
}
