import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ApiHandler, Response, useResponse, useBody, useJsonBody, useFormValue, useFormData, useCookies, useCookie, useHeader,
  useHeaders, usePath, usePathParam, useQueryParam, useQueryParams, useMethod, useDomainName, useEvent,
} from "./index.js";
import { serializeCookie } from "./response.js";

function event(over: Record<string, any> = {}): any {
  return {
    version: "2.0", rawPath: "/todo/7", rawQueryString: "q=s", headers: { "x-test": "yes", host: "api.example.com" },
    queryStringParameters: { q: "s" }, pathParameters: { id: "7" },
    requestContext: { domainName: "api.example.com", http: { method: "POST" } },
    isBase64Encoded: false, ...over,
  };
}
const ctx = {} as any;

describe("ApiHandler hooks", () => {
  it("read the current event", async () => {
    const h = ApiHandler(async () => ({
      statusCode: 200,
      body: JSON.stringify([useJsonBody().a, usePathParam("id"), useQueryParam("q"), useHeader("X-Test"), useCookie("c"), usePath(), useMethod(), useDomainName(), Object.keys(useQueryParams()), useHeaders()["x-test"]]),
    }));
    const res: any = await h(event({ body: Buffer.from(JSON.stringify({ a: 1 })).toString("base64"), isBase64Encoded: true, cookies: ["c=v%20w", "d=e=f"] }), ctx);
    assert.deepEqual(JSON.parse(res.body), [1, "7", "s", "yes", "v w", ["todo", "7"], "POST", "api.example.com", ["q"], "yes"]);
  });

  it("useBody/useJsonBody/useFormData are undefined without a body", async () => {
    const h = ApiHandler(async () => ({ statusCode: 200, body: JSON.stringify([useBody() ?? null, useJsonBody() ?? null, useFormData() ?? null]) }));
    const res: any = await h(event({ body: "" }), ctx);
    assert.deepEqual(JSON.parse(res.body), [null, null, null]);
  });

  it("useFormValue reads url-encoded forms", async () => {
    const h = ApiHandler(async () => ({ statusCode: 200, body: `${useFormValue("name")}|${useFormValue("missing")}` }));
    const res: any = await h(event({ body: "name=Ada+L.&x=1" }), ctx);
    assert.equal(res.body, "Ada L.|null");
  });

  it("falls back to the Cookie header when the event has no cookies", async () => {
    const h = ApiHandler(async () => ({ statusCode: 200, body: JSON.stringify(useCookies()) }));
    const res: any = await h(event({ headers: { cookie: "a=1; b=two%21" } }), ctx);
    assert.deepEqual(JSON.parse(res.body), { a: "1", b: "two!" });
  });

  it("keeps concurrent requests apart", async () => {
    const h = ApiHandler(async () => {
      const before = useJsonBody().n;
      await new Promise((r) => setTimeout(r, 5 - before));
      return { statusCode: 200, body: String(useJsonBody().n === before ? before : -1) };
    });
    const results = await Promise.all([1, 2, 3, 4].map((n) => h(event({ body: JSON.stringify({ n }) }), ctx)));
    assert.deepEqual(results.map((r: any) => r.body), ["1", "2", "3", "4"]);
  });

  it("hooks outside a handler fail", () => {
    assert.throws(() => useEvent("api"), /RequestContext context was not provided/);
  });
});

describe("useResponse and Response", () => {
  it("merges status, headers and cookies set during the request under the result", async () => {
    const h = ApiHandler(async () => {
      useResponse().status(201).header("x-set", "1").cookie({ key: "session", value: "a b", path: "/", maxAge: 60 });
      useResponse().cookies({ theme: "dark" }, { secure: false, sameSite: "Lax", httpOnly: false });
      return { body: "made", headers: { "content-type": "text/plain" }, cookies: ["own=1"] };
    });
    const res: any = await h(event(), ctx);
    assert.equal(res.statusCode, 201);
    assert.equal(res.body, "made");
    assert.deepEqual(res.headers, { "x-set": "1", "content-type": "text/plain" });
    assert.deepEqual(res.cookies, ["own=1", "session=a%20b; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=None", "theme=dark; SameSite=Lax"]);
  });

  it("a thrown Response ends the request with its result; other errors propagate", async () => {
    const redirect = ApiHandler(async () => {
      useResponse().cookie({ key: "k", value: "v" });
      throw new Response({ statusCode: 302, headers: { location: "/login" } });
    });
    const res: any = await redirect(event(), ctx);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, "/login");
    assert.equal(res.cookies.length, 1);
    const boom = ApiHandler(async () => {
      throw new Error("boom");
    });
    await assert.rejects(boom(event(), ctx), /boom/);
  });

  it("a handler returning nothing answers with what useResponse set", async () => {
    const h = ApiHandler(async () => {
      useResponse().status(204);
    });
    const res: any = await h(event(), ctx);
    assert.equal(res.statusCode, 204);
  });

  it("serializes cookie options like SST v2", () => {
    const expires = new Date(Date.UTC(2030, 0, 2));
    assert.equal(
      serializeCookie({ key: "a", value: "1", domain: "example.com", expires, secure: false, httpOnly: false, sameSite: "Strict" }),
      "a=1; Domain=example.com; Expires=Wed, 02 Jan 2030 00:00:00 GMT; SameSite=Strict",
    );
  });
});
