/**
 * Sessions: tokens signed with the Auth construct's private key and checked with its
 * public key; `useSession()` inside an ApiHandler from the cookie or a Bearer header;
 * forged, expired and foreign tokens fall back to the public session (SST v2's
 * answer), which a route turns into a 401.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createSigner } from "fast-jwt";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { ApiHandler } from "../api/index.js";
import { generateAuthKeyPair } from "../../custom-resources/auth-keys.js";
import { apiEvent } from "../../../../../tests/helpers/auth-browser.js";
import { setAuthBinding } from "./keys.js";
import { Auth, Session, useSession } from "./index.js";
import { apiBaseUrl } from "./request-url.js";
import { verifyToken } from "./tokens.js";

declare module "./session.js" {
  interface SessionTypes {
    user: { userId: string; email: string };
  }
}

const keys = generateAuthKeyPair();
const other = generateAuthKeyPair();
const API = "http://abc1234567.execute-api.localhost:4570";

before(() => setAuthBinding({ id: "Auth", prefix: "/auth", ...keys }));

/** An Api route as the seed app writes it: the user's properties, or 401. */
const me = ApiHandler(async () => {
  const session = useSession();
  if (session.type !== "user") return { statusCode: 401, body: JSON.stringify({ error: "Not signed in" }) };
  return { statusCode: 200, body: JSON.stringify(session.properties) };
});

async function callMe(init: { headers?: Record<string, string>; cookies?: string[] }): Promise<APIGatewayProxyStructuredResultV2> {
  return (await me(apiEvent(`${API}/session`, { ...init, apiId: "abc1234567" }), {} as any)) as APIGatewayProxyStructuredResultV2;
}

const user = { userId: "u1", email: "u1@example.test" };

describe("Session tokens", () => {
  it("create → verify gives the session back; Session.parameter and Session.cookie carry a valid one", () => {
    const token = Session.create({ type: "user", properties: user });
    assert.deepEqual(pick(Session.verify(token)), { type: "user", properties: user });

    const param = Session.parameter({ type: "user", properties: user, redirect: "http://localhost:3000/" });
    assert.equal(param.statusCode, 302);
    const location = new URL(param.headers!.location as string);
    assert.equal(`${location.origin}${location.pathname}`, "http://localhost:3000/");
    assert.deepEqual(pick(Session.verify(location.searchParams.get("token")!)), { type: "user", properties: user });
    const withQuery = Session.parameter({ type: "user", properties: user, redirect: "http://site.test/cb?x=1#top" });
    assert.match(withQuery.headers!.location as string, /^http:\/\/site\.test\/cb\?x=1&token=[^#]+#top$/);

    const cookie = Session.cookie({ type: "user", properties: user, redirect: "http://localhost:3000/" });
    assert.equal(cookie.statusCode, 302);
    const [set] = cookie.cookies!;
    assert.match(set, /^auth-token=[^;]+; HttpOnly; SameSite=None; Secure; Path=\/; Expires=\w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT$/);
    const expires = Date.parse(/Expires=(.*)$/.exec(set)![1]);
    assert.ok(Math.abs(expires - (Date.now() + 7 * 24 * 3600 * 1000)) < 5000, "a week by default");
  });

  it("refuses forged, foreign, expired, unsigned and algorithm-swapped tokens with the public session", async () => {
    const token = Session.create({ type: "user", properties: user });
    const [h, p, s] = token.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ type: "user", properties: { userId: "admin", email: "x" } })).toString("base64url");
    const expired = Session.create({ type: "user", properties: user, options: { expiresIn: 1 } });
    await new Promise((r) => setTimeout(r, 1100));
    const cases: Record<string, string> = {
      "changed payload": `${h}.${forgedPayload}.${s}`,
      "changed signature": `${h}.${p}.${s.slice(0, -4)}AAAA`,
      "signed with another key": createSigner({ key: other.privateKey, algorithm: "RS512" })({ type: "user", properties: user }),
      "expired": expired,
      "alg none": `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${p}.`,
      // The public key as an HMAC secret: the classic algorithm-confusion forgery.
      "HS512 with the public key": hmacToken(keys.publicKey, { type: "user", properties: user }),
      "garbage": "not.a.jwt",
      "a signed token that is not a session": createSigner({ key: keys.privateKey, algorithm: "RS512" })({ email: "u1@example.test" }),
    };
    const reasons: Record<string, RegExp> = {
      "changed payload": /signature does not match/, "signed with another key": /signature does not match/, "expired": /expired/,
      "alg none": /not signed/, "HS512 with the public key": /not signed with RS512/, "garbage": /not a well-formed JWT/,
    };
    for (const [name, bad] of Object.entries(cases)) {
      const checked = verifyToken(keys.publicKey, bad);
      if (reasons[name]) assert.match(checked.ok ? "accepted" : checked.reason, reasons[name], name);
      assert.deepEqual(Session.verify(bad), { type: "public", properties: {} }, name);
      const res = await callMe({ headers: { authorization: `Bearer ${bad}` } });
      assert.equal(res.statusCode, 401, `${name} → 401`);
    }
  });
});

describe("useSession in an ApiHandler", () => {
  it("reads the Bearer header and the auth-token cookie; no token is the public session", async () => {
    const token = Session.create({ type: "user", properties: user });
    const requests: { headers?: Record<string, string>; cookies?: string[] }[] = [
      { headers: { authorization: `Bearer ${token}` } }, { headers: { Authorization: `bearer  ${token}` } }, { cookies: [`auth-token=${token}`] },
    ];
    for (const init of requests) {
      const res = await callMe(init);
      assert.equal(res.statusCode, 200, JSON.stringify(init));
      assert.deepEqual(JSON.parse(res.body!), user);
    }
    assert.equal((await callMe({})).statusCode, 401);
    assert.equal((await callMe({ headers: { authorization: "Basic dXNlcjpwYXNz" } })).statusCode, 401);
  });

  it("the cookie wins over the header, as in SST v2", async () => {
    const good = Session.create({ type: "user", properties: user });
    const res = await callMe({ headers: { authorization: `Bearer ${good}` }, cookies: ["auth-token=forged"] });
    assert.equal(res.statusCode, 401);
  });

  it("Auth.<id> gives the bound prefix and public key, never the private key", () => {
    process.env.SST_APP ??= "my-app"; // every function has it; the proxies refuse to work without
    assert.deepEqual({ ...(Auth as any).Auth }, { prefix: "/auth", publicKey: keys.publicKey });
    assert.throws(() => (Auth as any).Other, /Cannot use Auth\.Other\. Please make sure it is bound to this function\./);
  });

  it("outside a handler, and in a function without the Auth binding, fails with SST's messages", async () => {
    assert.throws(() => useSession(), /RequestContext context was not provided/);
    setAuthBinding(undefined);
    try {
      assert.throws(() => Session.create({ type: "user", properties: user }), /Cannot use Auth\.privateKey\. Please make sure it is bound to this function\./);
      await assert.rejects(callMe({ headers: { authorization: "Bearer x.y.z" } }), /Cannot use Auth\.publicKey/);
    } finally {
      setAuthBinding({ id: "Auth", prefix: "/auth", ...keys });
    }
  });
});

describe("apiBaseUrl", () => {
  const event = (host: string, proto = "http") =>
    apiEvent(`${proto}://${host}/auth/google/authorize`, { apiId: "abc1234567" });

  it("AWS names, local *.localhost names and custom domains have the route at the root", () => {
    assert.equal(apiBaseUrl(event("abc1234567.execute-api.us-east-1.amazonaws.com", "https"), {}), "https://abc1234567.execute-api.us-east-1.amazonaws.com");
    assert.equal(apiBaseUrl(event("abc1234567.execute-api.localhost:4570"), { AWS_ENDPOINT_URL: "http://127.0.0.1:4570" }), "http://abc1234567.execute-api.localhost:4570");
    assert.equal(apiBaseUrl(event("api.example.com", "https"), {}), "https://api.example.com");
  });

  it("the local cloud's own endpoint serves APIs under /_aws/execute-api/{apiId}", () => {
    assert.equal(apiBaseUrl(event("127.0.0.1:4570"), { AWS_ENDPOINT_URL: "http://127.0.0.1:4570" }), "http://127.0.0.1:4570/_aws/execute-api/abc1234567");
    assert.equal(apiBaseUrl(event("127.0.0.1:4570"), { AWS_ENDPOINT_URL: "http://127.0.0.1:9999" }), "http://127.0.0.1:4570");
  });
});

function pick(v: any) {
  return { type: v.type, properties: v.properties };
}

/** A JWT signed HS512 with `secret`, built by hand (signers refuse a PEM key as an HMAC secret). */
function hmacToken(secret: string, payload: object): string {
  const head = Buffer.from(JSON.stringify({ alg: "HS512", typ: "JWT" })).toString("base64url");
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${head}.${body}.${createHmac("sha512", secret).update(`${head}.${body}`).digest("base64url")}`;
}
