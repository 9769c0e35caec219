/**
 * Apps made by this repository's create-sst, the way a user makes them, inside the
 * repository's `.tmp/` so that their `sst` (a file: link to packages/sst) and what sst
 * brings along resolve from the workspace's node_modules, as after `npm install`.
 */
import { spawnSync } from "node:child_process";
import { before, after } from "node:test";
import fs from "node:fs";
import nodeHttp from "node:http";
import path from "node:path";
import { removeApp, repoRoot } from "./app-copy.js";
import { SstProcess, runSst } from "./sst-process.js";
import { freePort } from "./ports.js";
import { output } from "./outputs.js";

export const createSstBin = path.join(repoRoot, "packages", "create-sst", "bin", "create-sst.mjs");

export function runCreateSst(args: string[], cwd: string) {
  const res = spawnSync(process.execPath, [createSstBin, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: res.status, output: res.stdout + res.stderr };
}

/** Generates `template` as `.tmp/<name>-<pid>` and returns its folder. */
export function generateApp(template: string, name: string): string {
  const parent = path.join(repoRoot, ".tmp");
  fs.mkdirSync(parent, { recursive: true });
  const dir = path.join(parent, `${name}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const r = runCreateSst([path.basename(dir), "--template", template], parent);
  if (r.code !== 0) throw new Error(`create-sst ${template} failed:\n${r.output}`);
  return dir;
}

export interface RunningApp {
  dev: SstProcess;
  api: string;
  stop(): Promise<void>;
}

/** `sst dev` on the app, until ready; `api` is its ApiEndpoint output, without a trailing slash. */
export async function startDev(app: string, stage: string, env: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const dev = new SstProcess(app, ["dev", "--stage", stage, "--port", String(port)], env);
  await dev.waitFor(/ready/i, 120_000);
  let api = "";
  try {
    api = output(app, "ApiEndpoint").replace(/\/$/, "");
  } catch {
    // apps without an Api
  }
  return { dev, api, stop: async () => void (await dev.stop()) };
}

export async function http(method: string, url: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/**
 * Calls a route until it stops failing with a 5xx: under `sst dev` a function is built
 * on its first invocation, and on a loaded machine building and loading a bundle with
 * the whole aws-sdk v2 can outlast the integration's 30 s (503) or the function's 10 s
 * (500). Tests warm each route this way, then assert on fresh calls.
 */
export async function warm(method: string, url: string, body?: unknown, tries = 4): Promise<void> {
  let last = 0;
  for (let i = 0; i < tries; i++) {
    last = (await http(method, url, body)).status;
    if (last < 500) return;
  }
  throw new Error(`${method} ${url} kept failing (${last})`);
}

/**
 * GET `pathname` from a `http://<name>.localhost:<port>` URL of the local cloud (a custom
 * domain, a CDN distribution): Node does not resolve *.localhost names itself, so the
 * request goes to 127.0.0.1 with the name as its Host.
 */
export function getByHost(hostUrl: string, pathname: string): Promise<{ status: number; type: string; body: string }> {
  const url = new URL(hostUrl);
  return new Promise((resolve, reject) => {
    const req = nodeHttp.get({ host: "127.0.0.1", port: url.port, path: pathname, headers: { host: url.host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", reject);
  });
}

/** SST v2's example app `template`, generated and under `sst dev` for the duration of the enclosing describe block. */
export function exampleApp(template: string): { app: () => RunningApp; dir: () => string } {
  let dir: string;
  let running: RunningApp;
  before(async () => {
    dir = generateApp(`examples/${template}`, template);
    running = await startDev(dir, "ex");
  });
  after(async () => {
    await running?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(dir);
  });
  return { app: () => running, dir: () => dir };
}

export interface DeployedApp {
  /** `sst deploy --local`'s run (it succeeded). */
  deploy: ReturnType<typeof runSst>;
  /** `sst local` serving the deployed stage on the port the deploy used. */
  local: SstProcess;
  /** That port (the local cloud's endpoint is http://127.0.0.1:<port>). */
  port: number;
}

/**
 * `sst deploy --local --stage <stage>` of the app (sites built), then `sst local` serving
 * that stage, until Ready. Fails with the deploy's output if it fails.
 */
export async function deployLocal(app: string, stage: string, env: Record<string, string> = {}): Promise<DeployedApp> {
  const port = await freePort();
  const deploy = runSst(app, ["deploy", "--local", "--stage", stage, "--port", String(port)], env, 900_000);
  if (deploy.code !== 0) throw new Error(`sst deploy --local failed (${deploy.code}):\n${deploy.output}`);
  const local = new SstProcess(app, ["local", "--dir", path.join(".sst", "local", stage), "--port", String(port)]);
  await local.waitFor(/Ready/, 60_000);
  return { deploy, local, port };
}
