/**
 * Function code reaches the local cloud's `*.localhost` names (worker/local-names.mjs):
 * they resolve to the cloud's address, and `https://` to them is the cloud's plain HTTP —
 * as OpenNext's revalidation function calls a distribution to re-render an ISR page.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaRuntime } from "./runtime.js";
import type { LambdaCloud } from "./cloud-deps.js";
import { functionMaker } from "./test-functions.js";
// @ts-expect-error plain JavaScript module of the environment's runtime
import { loopbackCloud } from "./worker/local-names.mjs";

const root = mkdtempSync(join(tmpdir(), "lambda-local-names-"));
let server: http.Server;
let port: number;
let runtime: LambdaRuntime;

before(async () => {
  // Plays the local cloud: answers with what it was asked.
  server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ host: req.headers.host, method: req.method, path: req.url, isr: req.headers["x-isr"] ?? null }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  const cloud = {
    region: "us-east-1",
    accountId: "000000000000",
    endpoint: `http://127.0.0.1:${port}`,
    events: new EventEmitter(),
  } as unknown as LambdaCloud;
  runtime = new LambdaRuntime(cloud, { maxConcurrency: 2 });
});

after(() => {
  runtime?.close();
  server?.close();
  rmSync(root, { recursive: true, force: true });
});

const make = functionMaker(root, "names", { timeoutSeconds: 10 });
const json = (b: Buffer) => JSON.parse(b.toString());

const CALLS = `import https from "node:https";
import dns from "node:dns/promises";
import { get as namedGet } from "node:https";
const read = (res) => new Promise((ok) => { let b = ""; res.on("data", (d) => (b += d)); res.on("end", () => ok({ status: res.statusCode, body: JSON.parse(b) })); });
export const handler = async ({ port }) => {
  // As OpenNext's revalidation: a URL string without a port, options beside it.
  const revalidate = await new Promise((ok, fail) => {
    const req = https.request("https://e1abcdefghijkl.cloudfront.localhost/isr", { method: "HEAD", headers: { "x-isr": "1" } }, (res) => { res.resume(); ok({ status: res.statusCode }); });
    req.on("error", fail);
    req.end();
  });
  // Options only, with the port.
  const viaOptions = await new Promise((ok, fail) => https.get({ hostname: "e1abcdefghijkl.cloudfront.localhost", port, path: "/page?x=1" }, (res) => read(res).then(ok)).on("error", fail));
  const viaFetch = await (await fetch("http://abcde12345.execute-api.localhost:" + port + "/users")).json();
  const lookedUp = await dns.lookup("site.localhost");
  // A function imported by name is the hooked one too.
  const named = await new Promise((ok, fail) => namedGet("https://abcde12345.execute-api.localhost:" + port + "/named", (res) => read(res).then(ok)).on("error", fail));
  // As aws-sdk v2 calls: options naming https's own port 443, which means the cloud's.
  const v2Style = await new Promise((ok, fail) => https.request({ host: "abcde12345.execute-api.localhost", port: 443, method: "POST", path: "/dev/@connections/x" }, (res) => read(res).then(ok)).on("error", fail).end());
  // Any other name is left alone: https to the plain-HTTP server fails the TLS handshake.
  const other = await new Promise((ok) => { const req = https.get("https://127.0.0.1:" + port + "/", () => ok("answered")); req.on("error", (e) => ok(e.code ?? e.message)); });
  return { revalidate, viaOptions, viaFetch, lookedUp, named, other, v2Style };
};`;

test("*.localhost names reach the local cloud; https:// to them is plain HTTP, on the URL's port or the cloud's", async () => {
  const def = make({ "index.mjs": CALLS });
  const r = await runtime.invoke(def, JSON.stringify({ port }));
  assert.equal(r.status, "success", r.payload.toString());
  const out = json(r.payload);
  assert.deepEqual(out.revalidate, { status: 200 });
  assert.deepEqual(out.viaOptions, { status: 200, body: { host: `e1abcdefghijkl.cloudfront.localhost:${port}`, method: "GET", path: "/page?x=1", isr: null } });
  assert.deepEqual(out.viaFetch, { host: `abcde12345.execute-api.localhost:${port}`, method: "GET", path: "/users", isr: null });
  assert.deepEqual(out.lookedUp, { address: "127.0.0.1", family: 4 });
  assert.equal(out.named.body.path, "/named");
  assert.deepEqual(out.v2Style.body, { host: `abcde12345.execute-api.localhost:${port}`, method: "POST", path: "/dev/@connections/x", isr: null });
  assert.notEqual(out.other, "answered");
  assert.match(String(out.other), /EPROTO|ERR_SSL|wrong version/i);
});

test("only a plain-HTTP endpoint on loopback installs the hooks", () => {
  assert.deepEqual(loopbackCloud("http://127.0.0.1:4570"), { address: "127.0.0.1", host: "127.0.0.1", port: 4570 });
  assert.deepEqual(loopbackCloud("http://localhost:4570"), { address: "127.0.0.1", host: "localhost", port: 4570 });
  assert.deepEqual(loopbackCloud("http://[::1]:4570"), { address: "::1", host: "::1", port: 4570 });
  assert.equal(loopbackCloud("https://127.0.0.1:4570"), undefined);
  assert.equal(loopbackCloud("http://10.0.0.5:4570"), undefined);
  assert.equal(loopbackCloud(undefined), undefined);
  assert.equal(loopbackCloud("not a url"), undefined);
});
