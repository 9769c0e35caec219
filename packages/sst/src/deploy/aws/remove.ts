/**
 * Removing an app's stacks from AWS with the CDK toolkit library (CloudFormation
 * DeleteStack, dependants first). The bootstrap stack and its asset bucket stay, as
 * with `cdk destroy`: other apps in the account share them.
 */
import type { Ui } from "../../cli/ui.js";
import type { SynthResult } from "../project-like.js";
import { createIoHost, describeFailures } from "./io-host.js";
import { loadToolkit } from "./toolkit-loader.js";
import { toolkitSelector } from "./stack-selection.js";
import { toolkitError } from "./errors.js";

export async function removeFromAws(synth: SynthResult, opts: { ui: Ui; filter?: string }): Promise<{ removed: string[]; absent: string[] }> {
  const { lib } = await loadToolkit();
  const io = createIoHost(opts.ui, { trace: Boolean(process.env.SST_TOOLKIT_TRACE) });
  const toolkit = new lib.Toolkit({ ioHost: io as any, color: false, emojis: false });
  const { selector } = toolkitSelector(synth, opts.filter, "remove");
  const source = await toolkit.fromAssemblyDirectory(synth.assemblyDir);
  let result;
  try {
    result = await toolkit.destroy(source, { stacks: selector, stackEventPollingInterval: 200 });
  } catch (err) {
    throw toolkitError("Remove", err, describeFailures(io.failures));
  }
  return {
    removed: result.stacks.filter((s) => s.stackExisted).map((s) => s.stackName),
    absent: result.stacks.filter((s) => !s.stackExisted).map((s) => s.stackName),
  };
}
