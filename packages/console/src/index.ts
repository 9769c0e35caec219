/**
 * The SST Console, local edition: a web app the dev process serves on the local cloud's
 * port under `/_console/`, reading the cloud's services in-process and the Lambda
 * runtime's event stream.
 */
import { CONSOLE_PREFIX, ConsoleServer } from "./console-server.js";
import type { ConsoleCloud, ConsoleOptions } from "./context.js";

export type { ConsoleCloud, ConsoleOptions } from "./context.js";
export { CONSOLE_PREFIX } from "./console-server.js";

export interface MountedConsole {
  /** e.g. http://127.0.0.1:4570/_console/ */
  readonly url: string;
  close(): void;
}

/** Mount the Console on a running local cloud. */
export function mountConsole(cloud: ConsoleCloud, opts: ConsoleOptions): MountedConsole {
  const server = new ConsoleServer({ ...opts, cloud });
  const unmount = cloud.mount(CONSOLE_PREFIX, server.handle);
  return {
    url: `${cloud.endpoint}${CONSOLE_PREFIX}`,
    close() {
      unmount();
      server.close();
    },
  };
}

/** The Console URL of a cloud at `endpoint` (for `sst console`). */
export function consoleUrl(endpoint: string): string {
  return `${endpoint.replace(/\/$/, "")}${CONSOLE_PREFIX}`;
}
