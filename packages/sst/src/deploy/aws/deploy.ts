/**
 * Deploying an app's cloud assembly to AWS with the CDK toolkit library: asset
 * publishing to the bootstrap bucket, one change set a stack (created, then executed),
 * progress through the CLI's IoHost, rollback on failure. The assembly is the one
 * `sst build` writes, so AWS gets exactly what the local cloud runs.
 */
import type { Ui } from "../../cli/ui.js";
import type { SynthResult } from "../project-like.js";
import type { StackOutputs } from "../outputs.js";
import { userOutputs } from "../local.js";
import type { AwsEnvironment } from "./environment.js";
import { describeFailures } from "./io-host.js";
import { createToolkit } from "./toolkit.js";
import { toolkitSelector } from "./stack-selection.js";
import { toolkitError } from "./errors.js";

export interface AwsDeployResult {
  outputs: StackOutputs;
  /** Stacks the toolkit deployed, with "deployed" or "unchanged". */
  stacks: { stackName: string; result: string }[];
}

export async function deployToAws(
  synth: SynthResult,
  env: AwsEnvironment,
  opts: { ui: Ui; filter?: string; progress?: boolean; toolkitStackName?: string },
): Promise<AwsDeployResult> {
  const { lib, toolkit, io } = await createToolkit(env, opts.ui, { progress: opts.progress ?? true, toolkitStackName: opts.toolkitStackName });
  const { selector } = toolkitSelector(synth, opts.filter, "deploy");
  const source = await toolkit.fromAssemblyDirectory(synth.assemblyDir);
  let result;
  try {
    result = await toolkit.deploy(source, {
      stacks: selector,
      deploymentMethod: { method: "change-set" },
      // Keep parameter values a stack already has, as `cdk deploy` does by default: the
      // BootstrapVersion SSM parameter then compares equal, and a stack whose template
      // did not change is skipped without a change set.
      parameters: lib.StackParameters.withExisting({}),
      // Poll often: the local cloud (and small stacks on AWS) finish in well under the
      // toolkit's default 2-5 s, and the deploy should end when the stack does.
      stackEventPollingInterval: 200,
    });
  } catch (err) {
    throw toolkitError("Deploy", err, describeFailures(io.failures), io.rollbacks);
  }
  // In synth order (dependencies first), as the local target prints them.
  const order = synth.stacks.map((s) => s.stackName);
  const deployed = [...result.stacks].sort((a, b) => order.indexOf(a.stackName) - order.indexOf(b.stackName));
  const outputs: StackOutputs = {};
  for (const s of deployed) outputs[s.stackName] = userOutputs(s.outputs ?? {});
  return { outputs, stacks: io.stacks };
}
