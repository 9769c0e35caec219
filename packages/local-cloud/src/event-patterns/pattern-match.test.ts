/** Event pattern matching, as EventBridge documents it (EventBridge rules and SNS filter policies use it). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { matchesPattern, validatePattern } from "./pattern-match.js";

const event = {
  version: "0", id: "e1", "detail-type": "OrderShipped", source: "app.orders", account: "000000000000", time: "2026-01-01T00:00:00Z",
  region: "us-east-1", resources: ["arn:a", "arn:b"],
  detail: { total: 150, state: "shipped", customer: { tier: "gold", email: "Ann@Example.com" }, tags: ["x", "y"], ip: "10.0.0.42", nothing: null },
};

test("exact values, arrays on either side, nested objects", () => {
  assert.ok(matchesPattern({ source: ["app.orders"] }, event));
  assert.ok(!matchesPattern({ source: ["app.other"] }, event));
  assert.ok(matchesPattern({ resources: ["arn:b"] }, event), "an event array matches when any element does");
  assert.ok(matchesPattern({ detail: { customer: { tier: ["silver", "gold"] } } }, event));
  assert.ok(!matchesPattern({ detail: { customer: { tier: ["silver"] } } }, event));
  assert.ok(matchesPattern({ detail: { total: [150] } }, event));
  assert.ok(!matchesPattern({ detail: { total: ["150"] } }, event), "strings do not equal numbers");
  assert.ok(matchesPattern({ detail: { nothing: [null] } }, event));
  assert.ok(!matchesPattern({ detail: { missing: { a: ["b"] } } }, event));
});

test("prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr, $or", () => {
  assert.ok(matchesPattern({ source: [{ prefix: "app." }] }, event));
  assert.ok(matchesPattern({ detail: { customer: { email: [{ suffix: "example.com" }] } } }, event) === false);
  assert.ok(matchesPattern({ detail: { customer: { email: [{ suffix: { "equals-ignore-case": "EXAMPLE.COM" } }] } } }, event));
  assert.ok(matchesPattern({ detail: { customer: { email: [{ "equals-ignore-case": "ann@example.com" }] } } }, event));
  assert.ok(matchesPattern({ "detail-type": [{ wildcard: "Order*ed" }] }, event));
  assert.ok(!matchesPattern({ "detail-type": [{ wildcard: "Order*X" }] }, event));
  assert.ok(matchesPattern({ detail: { state: [{ "anything-but": ["cancelled", "lost"] }] } }, event));
  assert.ok(!matchesPattern({ detail: { state: [{ "anything-but": "shipped" }] } }, event));
  assert.ok(!matchesPattern({ detail: { state: [{ "anything-but": { prefix: "ship" } }] } }, event));
  assert.ok(matchesPattern({ detail: { total: [{ numeric: [">", 100, "<=", 150] }] } }, event));
  assert.ok(!matchesPattern({ detail: { total: [{ numeric: [">", 150] }] } }, event));
  assert.ok(matchesPattern({ detail: { total: [{ exists: true }], gone: [{ exists: false }] } }, event));
  assert.ok(!matchesPattern({ detail: { gone: [{ exists: true }] } }, event));
  assert.ok(!matchesPattern({ detail: { customer: [{ exists: true }] } }, event), "exists matches leaves only");
  assert.ok(matchesPattern({ detail: { ip: [{ cidr: "10.0.0.0/24" }] } }, event));
  assert.ok(!matchesPattern({ detail: { ip: [{ cidr: "10.0.1.0/24" }] } }, event));
  assert.ok(matchesPattern({ source: ["app.orders"], $or: [{ detail: { total: [1] } }, { detail: { state: ["shipped"] } }] }, event));
  assert.ok(!matchesPattern({ $or: [{ detail: { total: [1] } }, { detail: { state: ["lost"] } }] }, event));
});

test("malformed patterns are refused", () => {
  assert.equal(validatePattern({ source: ["a"], detail: { x: [{ numeric: [">", 1] }] } }), undefined);
  assert.match(validatePattern({ source: "a" })!, /object or an array/);
  assert.match(validatePattern({ source: [] })!, /empty/);
  assert.match(validatePattern({ source: [{ bogus: 1 }] })!, /unrecognized/);
  assert.match(validatePattern({ n: [{ numeric: ["~", 1] }] })!, /numeric/);
  assert.match(validatePattern([1])!, /object/);
});
