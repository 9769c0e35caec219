/**
 * The local Console's API as its views call it, for a running `sst dev`: the URL it
 * prints carries the session token the API wants as a bearer token.
 */
import type { SstProcess } from "./sst-process.js";

export type ConsoleApi = (method: string, route: string, body?: unknown) => Promise<{ status: number; json: any }>;

export async function consoleApiOf(dev: SstProcess): Promise<ConsoleApi> {
  const line = await dev.waitFor(/Console: http:\/\/\S+/, 30_000);
  const url = new URL(/Console: (http:\/\/\S+)/.exec(line)![1]!);
  const token = url.searchParams.get("token") ?? "";
  return async (method, route, body) => {
    const res = await fetch(`${url.origin}/api/${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "x-sst-console": "1", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
}
