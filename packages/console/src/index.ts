/**
 * The SST Console, local edition: a web app the dev process serves on its own port of
 * 127.0.0.1 (its own origin: nothing from user data is served there), reading the
 * cloud's services in-process and the Lambda runtime's event stream, behind a per-run
 * token (session.ts).
 */
import { ConsoleServer } from "./console-server.js";
import { listenConsole } from "./listener.js";
import { ConsoleSession } from "./session.js";
import type { ConsoleCloud, ConsoleOptions } from "./context.js";

export type { ConsoleCloud, ConsoleOptions, ConsoleRequest } from "./context.js";
export { TOKEN_PARAM } from "./session.js";

export interface RunningConsole {
  /** The URL to open, with this run's token: e.g. http://127.0.0.1:45123/?token=… */
  readonly url: string;
  /** e.g. http://127.0.0.1:45123 */
  readonly origin: string;
  readonly port: number;
  /** The per-run secret; non-browser clients send it as `Authorization: Bearer <token>`. */
  readonly token: string;
  close(): Promise<void>;
}

/** Start the Console for a running local cloud, on its own port (`opts.port`, else a free one). */
export async function startConsole(cloud: ConsoleCloud, opts: ConsoleOptions): Promise<RunningConsole> {
  let server: ConsoleServer | undefined;
  const listener = await listenConsole(opts.port ?? 0, (req) => server!.handle(req));
  const session = new ConsoleSession(listener.port);
  server = new ConsoleServer({ ...opts, cloud }, session);
  return {
    url: session.url(),
    origin: session.origins[0]!,
    port: listener.port,
    token: session.token,
    async close() {
      server?.close();
      await listener.close();
    },
  };
}
