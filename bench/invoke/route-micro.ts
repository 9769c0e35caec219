/**
 * The data plane's per-request lookups alone, no HTTP: route selection among the seed
 * app's routes and the function name of an integration URI, CPU ns per call (median of
 * seven trials). With BENCH_BASELINE, the same functions of another checkout beside
 * them, in the same process.
 *
 *   node --import tsx bench/invoke/route-micro.ts
 *   BENCH_BASELINE=/path/to/other/checkout node --import tsx bench/invoke/route-micro.ts
 */
import path from "node:path";
import * as routeMatch from "../../packages/local-cloud/src/services/apigatewayv2/route-match.js";
import * as lambdaInvoke from "../../packages/local-cloud/src/lambda-proxy/lambda-invoke.js";

const BASELINE = process.env.BENCH_BASELINE;
const ROUTES = ["GET /", "GET /users", "GET /users/{id}", "POST /users", "PUT /users/{id}", "DELETE /users/{id}", "GET /notes", "POST /notes", "GET /notes/{id}", "GET /session", "GET /hello", "ANY /files/{proxy+}"].map((RouteKey) => ({ RouteKey }));
const URI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:bench-my-app-API-hello/invocations";

/** CPU ns per call: the median of seven trials of 300,000 calls, after a warm-up. */
function nsPerCall(f: () => unknown): number {
  for (let i = 0; i < 200_000; i++) f();
  const trials: number[] = [];
  for (let t = 0; t < 7; t++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 300_000; i++) f();
    const c = process.cpuUsage(c0);
    trials.push(((c.user + c.system) * 1000) / 300_000);
  }
  return trials.sort((a, b) => a - b)[3]!;
}

type Impl = { selectRoute: typeof routeMatch.selectRoute; functionFromIntegrationUri: typeof lambdaInvoke.functionFromIntegrationUri };
const impls: [string, Impl][] = [["this", { ...routeMatch, ...lambdaInvoke }]];
if (BASELINE) {
  const dir = path.resolve(BASELINE, "packages/local-cloud/src");
  impls.push(["baseline", { ...(await import(path.join(dir, "services/apigatewayv2/route-match.ts"))), ...(await import(path.join(dir, "lambda-proxy/lambda-invoke.ts"))) }]);
}
const cases: [string, (impl: Impl) => unknown][] = [
  ["selectRoute GET /hello", (i) => i.selectRoute(ROUTES, "GET", "/hello")],
  ["selectRoute GET /users/u1", (i) => i.selectRoute(ROUTES, "GET", "/users/u1")],
  ["functionFromIntegrationUri", (i) => i.functionFromIntegrationUri(URI, {})],
];
for (const [label, run] of cases) {
  console.log(`${label}: ${impls.map(([name, impl]) => `${name} ${nsPerCall(() => run(impl)).toFixed(0)} ns`).join(", ")}`);
}
