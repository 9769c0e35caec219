/**
 * Usage plans' arithmetic, with the clock in the test's hands: a method's own throttle
 * in the plan's ApiStages beats the plan's, the bucket refills at RateLimit a second,
 * a quota's Offset counts against its first period only and a new period starts afresh,
 * and a key disabled after the fact is refused at once.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { ApiGatewayStore } from "../store.js";
import { ApiKeys } from "./api-keys.js";
import { UsageLimits } from "./usage-limits.js";
import { StageThrottle, decodeResourcePath } from "./stage-throttle.js";

function setup(plan: Record<string, unknown>) {
  const store = new ApiGatewayStore(new Database(":memory:"));
  store.insert("api1", "restapi", "api1", { Id: "api1" });
  store.insert("api1", "reststage", "prod", { StageName: "prod" });
  const keys = new ApiKeys(store);
  const key = keys.operations.CreateApiKey({ Enabled: true, Value: "k-0123456789abcdefghij" });
  const p = keys.operations.CreateUsagePlan({ ApiStages: [{ ApiId: "api1", Stage: "prod" }], ...plan });
  keys.operations.CreateUsagePlanKey({ UsagePlanId: p.Id, KeyId: key.Id, KeyType: "API_KEY" });
  return { store, keys, key, plan: p, limits: new UsageLimits(store) };
}

test("a method's throttle in ApiStages beats the plan's; the bucket refills at RateLimit a second", () => {
  const { keys, plan, limits } = setup({ Throttle: { BurstLimit: 100, RateLimit: 100 } });
  keys.operations.UpdateUsagePlan({ UsagePlanId: plan.Id, ApiStages: [{ ApiId: "api1", Stage: "prod", Throttle: { "/slow/GET": { BurstLimit: "1", RateLimit: "2" } } }], Throttle: { BurstLimit: 100, RateLimit: 100 } });
  const t = 1_000_000;
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/slow", "GET", t), "ok");
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/slow", "GET", t + 100), "throttled");
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/fast", "GET", t + 100), "ok", "other methods have the plan's throttle");
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/slow", "GET", t + 600), "ok", "half a second at 2/s is a token");
  assert.equal(limits.check("api1", "stage2", "k-0123456789abcdefghij", "/slow", "GET", t + 700), "forbidden", "a stage the plan does not name");
});

test("a quota's offset counts in its first period only; a new period starts afresh", () => {
  const { limits } = setup({ Quota: { Limit: 3, Offset: 2, Period: "DAY" } });
  const day1 = Date.UTC(2026, 11, 7, 10);
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/", "GET", day1), "ok");
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/", "GET", day1 + 1), "quota-exceeded");
  const day2 = Date.UTC(2026, 11, 8, 0, 0, 1);
  for (let i = 0; i < 3; i++) assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/", "GET", day2 + i), "ok");
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/", "GET", day2 + 10), "quota-exceeded");
});

test("a key disabled, or taken out of the plan, is refused at once", () => {
  const { keys, key, plan, limits } = setup({});
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/", "GET"), "ok");
  keys.operations.UpdateApiKey({ ApiKeyId: key.Id, Enabled: false });
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/", "GET"), "forbidden");
  keys.operations.UpdateApiKey({ ApiKeyId: key.Id, Enabled: true });
  keys.operations.DeleteUsagePlanKey({ UsagePlanId: plan.Id, KeyId: key.Id });
  assert.equal(limits.check("api1", "prod", "k-0123456789abcdefghij", "/", "GET"), "forbidden");
});

test("bad input: a short key value, an unknown plan, a quota period AWS does not have", () => {
  const { keys } = setup({});
  assert.throws(() => keys.operations.CreateApiKey({ Value: "short" }), { code: "BadRequestException", message: "API Key value should be at least 20 characters" });
  assert.throws(() => keys.operations.CreateApiKey({ Value: "k-0123456789abcdefghij" }), { code: "ConflictException" });
  assert.throws(() => keys.operations.CreateUsagePlanKey({ UsagePlanId: "nope", KeyId: "x" }), { code: "NotFoundException", message: "Invalid Usage Plan ID specified" });
  assert.throws(() => keys.operations.CreateUsagePlan({ Quota: { Limit: 1, Period: "YEAR" } }), { code: "BadRequestException" });
  assert.throws(() => keys.operations.CreateUsagePlan({ ApiStages: [{ ApiId: "api1", Stage: "nostage" }] }), { code: "NotFoundException" });
});

test("stage throttling: the every-method entry is each method's default; a method's own entry replaces it", () => {
  assert.equal(decodeResourcePath("/~1users~1{id}"), "/users/{id}");
  assert.equal(decodeResourcePath("/"), "/");
  const throttle = new StageThrottle();
  const stage = { StageName: "prod", MethodSettings: [
    { ResourcePath: "/*", HttpMethod: "*", ThrottlingBurstLimit: 2, ThrottlingRateLimit: 1 },
    { ResourcePath: "/~1users~1{id}", HttpMethod: "GET", ThrottlingBurstLimit: 1, ThrottlingRateLimit: 1 },
  ] };
  const t = 5_000_000;
  assert.equal(throttle.admits("a", stage, "/users/{id}", "GET", t), true);
  assert.equal(throttle.admits("a", stage, "/users/{id}", "GET", t), false);
  for (const m of ["POST", "DELETE"]) {
    assert.equal(throttle.admits("a", stage, "/users/{id}", m, t), true);
    assert.equal(throttle.admits("a", stage, "/users/{id}", m, t), true, "two each: the default is per method, not shared");
    assert.equal(throttle.admits("a", stage, "/users/{id}", m, t), false);
  }
  assert.equal(throttle.admits("a", stage, "/users/{id}", "GET", t + 1000), true, "a second later, a token again");
  assert.equal(throttle.admits("a", { StageName: "dev" }, "/x", "GET", t), true, "no settings, no throttle");
});
