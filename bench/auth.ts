/**
 * Benchmark: what `sst/node/auth` costs a function, beside baselines measured in the
 * same run.
 *
 *   node --import tsx bench/auth.ts [rounds]
 *
 * Medians over `rounds` (default 5) of:
 *  - `Session.verify` of a session token, µs CPU per call — baseline: one RS512
 *    signature check of the same token with node:crypto and a parsed key (the floor for
 *    any RS512 verifier);
 *  - `Session.create`, µs CPU per call — baseline: one RS512 signature, parsed key;
 *  - a request to an ApiHandler route calling `useSession()` with a Bearer token, µs
 *    CPU per request — baseline: the same route without `useSession()`;
 *  - cold start of an Api route as the Function construct bundles it (esbuild, ESM):
 *    importing the bundle of a route that uses `useSession` in a fresh Node process, ms
 *    (no keys bound, so no SSM call) — baseline: the bundle of the same route without
 *    sst/node/auth.
 */
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, createSign, createVerify } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { bundleFunctionSync } from "../packages/sst/src/build/bundle.js";
import { generateAuthKeyPair } from "../packages/sst/src/custom-resources/auth-keys.js";
import { setAuthBinding } from "../packages/sst/src/node/auth/keys.js";
import { Session, useSession } from "../packages/sst/src/node/auth/index.js";
import { ApiHandler } from "../packages/sst/src/node/api/index.js";
import { apiEvent } from "../tests/helpers/auth-browser.js";
import { repoRoot } from "../tests/helpers/app-copy.js";
import { cpuUsPerCall, median } from "./lib/stats.js";

const rounds = Number(process.argv[2] ?? 5);
const keys = generateAuthKeyPair();
setAuthBinding({ id: "Auth", prefix: "/auth", ...keys });
const token = Session.create({ type: "public", properties: {} });
const [head, body, signature] = token.split(".");

/** CPU µs per call of `fn`, over enough calls to take ~300 ms. */
const perCall = (fn: () => unknown) => cpuUsPerCall(fn, { warmup: 50, minCalls: 200 });

/** Bundles a route as the Function construct does; returns the bundle's entry file. */
function bundleRoute(dir: string, name: string, source: string): string {
  fs.writeFileSync(path.join(dir, `${name}.ts`), source);
  return bundleFunctionSync({ id: name, handler: `${name}.handler`, runtime: "nodejs20.x" }, dir, path.join(dir, "out", name)).file;
}

/** ms to import a bundle in a fresh Node process (plain node, as the Lambda runtime loads it). */
function importMs(file: string): number {
  const script = `const t=performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now()-t)`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SST_"))),
  });
  return Number(out.toString().trim());
}

const benchDir = path.join(repoRoot, ".tmp", `bench-auth-${process.pid}`);
fs.mkdirSync(benchDir, { recursive: true });
const routeWithAuth = bundleRoute(benchDir, "with-auth", `import { ApiHandler } from "sst/node/api";
import { useSession } from "sst/node/auth";
export const handler = ApiHandler(async () => ({ statusCode: 200, body: JSON.stringify(useSession()) }));
`);
const routeBare = bundleRoute(benchDir, "bare", `import { ApiHandler } from "sst/node/api";
export const handler = ApiHandler(async () => ({ statusCode: 200, body: "{}" }));
`);
const publicKey = createPublicKey(keys.publicKey);
const privateKey = createPrivateKey(keys.privateKey);

const event = apiEvent("https://abc1234567.execute-api.us-east-1.amazonaws.com/session", { apiId: "abc1234567", headers: { authorization: `Bearer ${token}` } });
const withSession = ApiHandler(async () => ({ statusCode: 200, body: JSON.stringify(useSession()) }));
const without = ApiHandler(async () => ({ statusCode: 200, body: JSON.stringify({ type: "public", properties: {} }) }));
const context = {} as any;

const samples: Record<string, number[]> = { verify: [], rawVerify: [], create: [], rawSign: [], route: [], bareRoute: [], importAuth: [], importApi: [] };
for (let r = 0; r < rounds; r++) {
  samples.verify.push(await perCall(() => Session.verify(token)));
  samples.rawVerify.push(await perCall(() => createVerify("RSA-SHA512").update(`${head}.${body}`).verify(publicKey, signature, "base64url")));
  samples.create.push(await perCall(() => Session.create({ type: "public", properties: {} })));
  samples.rawSign.push(await perCall(() => createSign("RSA-SHA512").update(`${head}.${body}`).sign(privateKey)));
  // A new event object per request: useSession memoizes per event.
  samples.route.push(await perCall(() => withSession({ ...event }, context)));
  samples.bareRoute.push(await perCall(() => without({ ...event }, context)));
  samples.importAuth.push(importMs(routeWithAuth));
  samples.importApi.push(importMs(routeBare));
}
fs.rmSync(benchDir, { recursive: true, force: true });

const line = (label: string, value: number, unit: string, baseLabel: string, base: number) =>
  console.log(`${label.padEnd(34)} ${value.toFixed(1).padStart(8)} ${unit}   (baseline: ${baseLabel} ${base.toFixed(1)} ${unit}, ratio ${(value / base).toFixed(2)}x)`);

console.log(`sst/node/auth, ${rounds} round(s), medians`);
line("Session.verify", median(samples.verify), "µs CPU", "node:crypto RS512 verify", median(samples.rawVerify));
line("Session.create", median(samples.create), "µs CPU", "node:crypto RS512 sign", median(samples.rawSign));
line("route with useSession (Bearer)", median(samples.route), "µs CPU", "same route without it", median(samples.bareRoute));
line("cold import: route using useSession", median(samples.importAuth), "ms", "same route without it", median(samples.importApi));
console.log(`samples: ${Object.entries(samples).map(([k, v]) => `${k} [${v.map((x) => x.toFixed(1)).join(", ")}]`).join("  ")}`);
