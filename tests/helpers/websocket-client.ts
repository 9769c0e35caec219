/**
 * A WebSocket client for the local cloud's `ws://<api>.execute-api.localhost:<port>/<stage>`
 * URLs: `*.localhost` resolves to loopback, as in a browser (this machine's resolver does
 * not know the name).
 */
import { once } from "node:events";
import WebSocket from "ws";

const loopback = ((_host: string, opts: any, cb: any) => (opts?.all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4))) as any;

export async function openWebSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { lookup: loopback });
  await once(ws, "open");
  return ws;
}

/** The next text message `ws` receives (fails after a minute). */
export function nextMessage(ws: WebSocket): Promise<string> {
  return once(ws, "message", { signal: AbortSignal.timeout(60_000) }).then(([data]) => (data as Buffer).toString("utf8"));
}
