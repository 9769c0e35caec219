/**
 * `sst dev --inspect`: the Node.js inspector of the `sst dev` process. While it is open,
 * functions run in worker threads of this process (on both targets) instead of their
 * own processes (local-cloud's services/lambda/runtime/environment-host.ts), and a debugger attached here sees
 * each worker as a target of its own (VS Code attaches to them by itself; Chrome
 * DevTools lists them under the process), with the source maps of the dev builds, so
 * breakpoints set in a handler's TypeScript source stop there. With the AWS target,
 * `--increase-timeout` keeps the invocation alive while it is paused.
 */
import inspector from "node:inspector";
import { CliError } from "../cli/command.js";
import type { Ui } from "../cli/ui.js";

export function openInspector(port: number, ui: Ui, host = "127.0.0.1"): string {
  try {
    inspector.open(port, host, false);
  } catch (err) {
    throw new CliError(`Could not open the inspector on ${host}:${port}: ${(err as Error).message}. Pass another --inspect-port (0 for any free one).`);
  }
  const url = inspector.url();
  if (!url) throw new CliError(`Could not open the inspector on ${host}:${port}`);
  ui.line(`|  Debugger listening on ${url} (functions run in worker threads of this process: attach VS Code or chrome://inspect)`);
  return url;
}
