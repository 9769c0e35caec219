/**
 * One CDK toolkit for a command: the library (loaded lazily, see toolkit-loader.ts),
 * the CLI's IoHost, and the command's AWS environment as the toolkit's base
 * credentials, so the toolkit acts with exactly the credentials the target line named
 * (an assumed `--role` included) instead of looking them up again.
 */
import type { Ui } from "../../cli/ui.js";
import type { AwsEnvironment } from "./environment.js";
import { createIoHost, type CliIoHost } from "./io-host.js";
import { loadToolkit, type ToolkitLib } from "./toolkit-loader.js";

export interface CommandToolkit {
  lib: ToolkitLib;
  toolkit: InstanceType<ToolkitLib["Toolkit"]>;
  io: CliIoHost;
}

export async function createToolkit(env: AwsEnvironment, ui: Ui, opts: { toolkitStackName?: string; progress?: boolean } = {}): Promise<CommandToolkit> {
  const { lib } = await loadToolkit();
  const io = createIoHost(ui, { trace: Boolean(process.env.SST_TOOLKIT_TRACE), progress: opts.progress });
  const toolkit = new lib.Toolkit({
    ioHost: io as any,
    color: false,
    emojis: false,
    ...(opts.toolkitStackName ? { toolkitStackName: opts.toolkitStackName } : {}),
    sdkConfig: { baseCredentials: lib.BaseCredentials.custom({ provider: env.credentials, region: env.region }) },
  });
  return { lib, toolkit, io };
}
