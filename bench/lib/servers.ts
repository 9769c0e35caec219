/**
 * Servers a benchmark starts and stops: the bare node:http baseline, and `sst dev` on
 * a copy of the seed's app (examples/my-app) with one more route whose handler returns
 * a constant string (the "GET /hello").
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { copyApp, repoRoot } from "../../tests/helpers/app-copy.js";
import { output } from "../../tests/helpers/outputs.js";
import { freePort } from "../../tests/helpers/ports.js";
import { SstProcess } from "../../tests/helpers/sst-process.js";

export interface Server {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts a process that prints `{"port":N}` on its first line of stdout. */
export async function startScript(script: string, args: string[] = []): Promise<Server & { child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, script), ...args], { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (c) => {
      text += c;
      const nl = text.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(text.slice(0, nl)).port);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    child,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export const HELLO_HANDLER = `export const handler = async () => "hello";\n`;

/** A copy of examples/my-app with `GET /hello` added; returns its directory. */
export function prepareSeedApp(name: string): string {
  const app = copyApp(path.join(repoRoot, "examples", "my-app"), name);
  fs.writeFileSync(path.join(app, "packages/functions/src/hello.ts"), HELLO_HANDLER);
  const stack = path.join(app, "stacks/API.ts");
  const text = fs.readFileSync(stack, "utf8");
  const anchor = `"GET    /users":       "packages/functions/src/users/list.handler",`;
  if (!text.includes(anchor)) throw new Error(`cannot add the bench route: ${stack} changed`);
  fs.writeFileSync(stack, text.replace(anchor, `${anchor}\n      "GET    /hello":       "packages/functions/src/hello.handler",`));
  return app;
}

export interface DevServer extends Server {
  dev: SstProcess;
  api: string;
  app: string;
}

/** `sst dev` on the app, until it is ready and its Api answers. */
export async function startSstDev(app: string, opts: { env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<DevServer> {
  const port = await freePort();
  const dev = new SstProcess(app, ["dev", "--stage", "bench", "--port", String(port)], opts.env, opts.nodeArgs);
  await dev.waitFor(/Ready in/, 180_000);
  const api = output(app, "ApiEndpoint").replace(/\/$/, "");
  for (let i = 0; ; i++) {
    const res = await fetch(`${api}/hello`).catch(() => undefined);
    if (res?.status === 200) break;
    if (i > 600) throw new Error("the Api never answered");
    await new Promise((r) => setTimeout(r, 50));
  }
  return { dev, api, app, pid: dev.pid, url: api, stop: async () => void (await dev.stop()) };
}

/**
 * `sst dev` of another checkout (e.g. a worktree of main), started by that checkout's own
 * bench helpers — its code, its own copy of the seed app: a baseline measured in the same
 * rounds as this checkout.
 */
export async function startCheckoutSstDev(dir: string, name: string): Promise<{ dev: DevServer; route: string; stop(): Promise<void> }> {
  const servers = await import(path.join(path.resolve(dir), "bench/lib/servers.ts"));
  const appCopy = await import(path.join(path.resolve(dir), "tests/helpers/app-copy.ts"));
  const app: string = servers.prepareSeedApp(name);
  try {
    const dev: DevServer = await servers.startSstDev(app);
    return { dev, route: `${dev.api}/hello`, stop: async () => (await dev.stop(), appCopy.removeApp(app)) };
  } catch (err) {
    appCopy.removeApp(app);
    throw err;
  }
}
