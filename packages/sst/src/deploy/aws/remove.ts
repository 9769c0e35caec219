/**
 * Removing an app's stacks from AWS with the CDK toolkit library (CloudFormation
 * DeleteStack, dependants first). The bootstrap stacks and their buckets stay, as
 * with `cdk destroy`: other apps in the account share them.
 */
import type { Ui } from "../../cli/ui.js";
import type { SynthResult } from "../project-like.js";
import type { AwsEnvironment } from "./environment.js";
import { describeFailures } from "./io-host.js";
import { createToolkit } from "./toolkit.js";
import { toolkitSelector } from "./stack-selection.js";
import { toolkitError } from "./errors.js";

export async function removeFromAws(synth: SynthResult, env: AwsEnvironment, opts: { ui: Ui; filter?: string }): Promise<{ removed: string[]; absent: string[] }> {
  const { toolkit, io } = await createToolkit(env, opts.ui, { progress: true });
  const { selector } = toolkitSelector(synth, opts.filter, "remove");
  const source = await toolkit.fromAssemblyDirectory(synth.assemblyDir);
  let result;
  try {
    result = await toolkit.destroy(source, { stacks: selector, stackEventPollingInterval: 200 });
  } catch (err) {
    throw toolkitError("Remove", err, describeFailures(io.failures), io.rollbacks);
  }
  return {
    removed: result.stacks.filter((s) => s.stackExisted).map((s) => s.stackName),
    absent: result.stacks.filter((s) => !s.stackExisted).map((s) => s.stackName),
  };
}
