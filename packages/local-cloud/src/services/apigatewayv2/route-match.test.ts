import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRouteKey, routeKeyProblem, selectRoute } from "./route-match.js";

const routes = [
  "GET /users",
  "GET /users/{id}",
  "POST /users",
  "ANY /users/{id}",
  "GET /users/me",
  "GET /files/{proxy+}",
  "ANY /{proxy+}",
  "GET /",
].map((RouteKey) => ({ RouteKey }));

const pick = (m: string, p: string, rs = routes) => selectRoute(rs, m, p);

test("parses route keys", () => {
  assert.deepEqual(parseRouteKey("GET /users/{id}"), {
    method: "GET",
    segments: [{ kind: "literal", value: "users" }, { kind: "param", name: "id" }],
  });
  assert.equal(parseRouteKey("$default"), undefined);
  assert.equal(routeKeyProblem("$default"), undefined);
  assert.equal(routeKeyProblem("GET /a/{p+}"), undefined);
  assert.match(routeKeyProblem("GET /{p+}/a")!, /greedy/);
  assert.match(routeKeyProblem("FETCH /a")!, /Invalid HTTP method/);
  assert.match(routeKeyProblem("users")!, /Invalid route key/);
});

test("literal beats variable, variable beats greedy", () => {
  assert.equal(pick("GET", "/users/me")!.route.RouteKey, "GET /users/me");
  const m = pick("GET", "/users/42")!;
  assert.equal(m.route.RouteKey, "GET /users/{id}");
  assert.deepEqual(m.pathParameters, { id: "42" });
  assert.equal(pick("GET", "/users")!.route.RouteKey, "GET /users");
  assert.equal(pick("GET", "/")!.route.RouteKey, "GET /");
});

test("explicit method beats ANY for the same path; ANY catches other methods", () => {
  assert.equal(pick("GET", "/users/7")!.route.RouteKey, "GET /users/{id}");
  assert.equal(pick("DELETE", "/users/7")!.route.RouteKey, "ANY /users/{id}");
  assert.equal(pick("post", "/users")!.route.RouteKey, "POST /users");
});

test("greedy variables take one or more segments, decoded", () => {
  const m = pick("GET", "/files/a/b%20c/d.txt")!;
  assert.equal(m.route.RouteKey, "GET /files/{proxy+}");
  assert.deepEqual(m.pathParameters, { proxy: "a/b c/d.txt" });
  const any = pick("PUT", "/files/x")!;
  assert.equal(any.route.RouteKey, "ANY /{proxy+}");
  assert.deepEqual(any.pathParameters, { proxy: "files/x" });
  // greedy needs at least one segment, "GET /" is the root route
  assert.equal(pick("PUT", "/"), undefined);
});

test("falls back to $default, or nothing", () => {
  const rs = [{ RouteKey: "GET /a" }, { RouteKey: "$default" }];
  assert.equal(pick("GET", "/b", rs)!.route.RouteKey, "$default");
  assert.equal(pick("POST", "/a", rs)!.route.RouteKey, "$default");
  assert.equal(pick("GET", "/a", rs)!.route.RouteKey, "GET /a");
  assert.equal(pick("GET", "/b", [{ RouteKey: "GET /a" }]), undefined);
  assert.equal(pick("GET", "/a/b", [{ RouteKey: "GET /a" }]), undefined);
  assert.equal(pick("GET", "/users/", [{ RouteKey: "GET /users/{id}" }]), undefined);
});
