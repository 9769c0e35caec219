/**
 * Benchmark: what routing a request that carries no signature costs, beside a baseline
 * measured in the same run.
 *
 *   node --import tsx bench/unsigned-routing.ts [rounds] [requests]
 *
 * One local cloud in this process. Over HTTP, CPU µs per request of the process tree
 * (client included), median over `rounds` (default 5) of `requests` (default 500)
 * sequential keep-alive requests each, as a ratio to the local cloud's own health check
 * (`GET /_aws/health`, routed before any signature is looked at) — the baseline:
 *  - Cognito `GetUser` unsigned, with a token the pool never issued (routed by X-Amz-Target);
 *  - a user pool's `/.well-known/jwks.json` (routed by path);
 *  - an unsigned JSON call no service takes (DynamoDB `ListTables`: AWS's missing-token error);
 *  - an unsigned S3 GET of a bucket that does not exist (no service claims it: S3's).
 * Then the routing decision alone (`unsignedServiceFor`, in-process), ns CPU per call, for
 * the same four requests.
 */
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { compareRequestCpu } from "./lib/request-cpu.js";
import { median } from "./lib/stats.js";

const rounds = Number(process.argv[2] ?? 5);
const requests = Number(process.argv[3] ?? 500);

const tc = await startTestCloud();
try {
  const { UserPool } = await tc.cloud.cognitoidp.call("CreateUserPool", { PoolName: "bench" });
  const poolId = UserPool.Id as string;
  const json = (target: string, body: unknown) => () =>
    fetch(tc.cloud.endpoint, { method: "POST", headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target }, body: JSON.stringify(body) });
  const expected: Record<string, [number, string]> = {};
  const targets: Record<string, () => Promise<Response>> = {};
  const add = (name: string, status: number, needle: string, send: () => Promise<Response>) => {
    targets[name] = send;
    expected[name] = [status, needle];
  };
  add("GET /_aws/health [baseline]", 200, "running", () => fetch(`${tc.cloud.endpoint}/_aws/health`));
  add("Cognito GetUser unsigned (by target)", 400, "NotAuthorizedException", json("AWSCognitoIdentityProviderService.GetUser", { AccessToken: "not-a-token" }));
  add("user pool jwks.json (by path)", 200, "keys", () => fetch(`${tc.cloud.endpoint}/${poolId}/.well-known/jwks.json`));
  add("unsigned JSON call nobody takes", 400, "MissingAuthenticationToken", json("DynamoDB_20120810.ListTables", {}));
  add("unsigned S3 GET (nobody claims: S3)", 404, "NoSuchBucket", () => fetch(`${tc.cloud.endpoint}/no-such-bucket/key`));
  await compareRequestCpu(targets, {
    rounds,
    requests,
    check: (name, status, text) => {
      const [want, needle] = expected[name]!;
      if (status !== want || !text.includes(needle)) throw new Error(`${name}: ${status} ${text.slice(0, 300)}`);
    },
  });

  const decisions: Array<[string, string, string, string | undefined]> = [
    ["by target", "POST", "/", "AWSCognitoIdentityProviderService.GetUser"],
    ["by path", "GET", `/${poolId}/.well-known/jwks.json`, undefined],
    ["JSON nobody takes", "POST", "/", "DynamoDB_20120810.ListTables"],
    ["S3 path", "GET", "/no-such-bucket/key", undefined],
  ];
  const calls = 200_000;
  for (const [name, method, path, target] of decisions) {
    const samples: number[] = [];
    let sink = 0;
    for (let r = 0; r < rounds; r++) {
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) sink += tc.cloud.unsignedServiceFor(method, path, target)?.length ?? 0;
      const cpu = process.cpuUsage(cpu0);
      samples.push(((cpu.user + cpu.system) * 1000) / calls);
    }
    console.log(`routing decision, ${name.padEnd(20)} ${median(samples).toFixed(1).padStart(7)} ns CPU/call  (${tc.cloud.unsignedServiceFor(method, path, target) ?? "none"}${sink < 0 ? "" : ""})`);
  }
} finally {
  await tc.stop();
}
