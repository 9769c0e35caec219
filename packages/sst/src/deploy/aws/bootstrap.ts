/**
 * `sst bootstrap`: the CDK bootstrap stack (CDKToolkit) in the target account and
 * region, with the toolkit library's own template — the asset bucket, the publishing,
 * deploy, lookup and execution roles, and the version parameter the assemblies check
 * (`/cdk-bootstrap/hnb659fds/version`). Running it again updates it in place, or does
 * nothing when it is current.
 */
import type { Ui } from "../../cli/ui.js";
import type { AwsEnvironment } from "./environment.js";
import { createIoHost, describeFailures } from "./io-host.js";
import { loadToolkit } from "./toolkit-loader.js";
import { toolkitError } from "./errors.js";

export async function bootstrapAws(env: AwsEnvironment, opts: { ui: Ui }): Promise<{ environment: string; status: string; durationMs: number }> {
  const { lib } = await loadToolkit();
  const io = createIoHost(opts.ui, { trace: Boolean(process.env.SST_TOOLKIT_TRACE) });
  const toolkit = new lib.Toolkit({ ioHost: io as any, color: false, emojis: false });
  const environment = `aws://${env.account}/${env.region}`;
  let result;
  try {
    result = await toolkit.bootstrap(lib.BootstrapEnvironments.fromList([environment]), {});
  } catch (err) {
    throw toolkitError("Bootstrap", err, describeFailures(io.failures));
  }
  const r = result.environments[0];
  return { environment, status: r?.status ?? "success", durationMs: r?.duration ?? result.duration };
}
