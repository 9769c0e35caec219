import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSchema } from "graphql-yoga";
import { GraphQLHandler, type ServerContext } from "./index.js";
import { useHeader } from "../api/index.js";

function apiEvent(method: string, path: string, opts: { body?: unknown; query?: string; headers?: Record<string, string> } = {}): any {
  return {
    version: "2.0", rawPath: path, rawQueryString: opts.query ?? "",
    headers: { "content-type": "application/json", ...(opts.headers ?? {}) },
    requestContext: { domainName: "abc.execute-api.localhost", http: { method } },
    body: opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body)).toString("base64"),
    isBase64Encoded: opts.body !== undefined,
  };
}

describe("GraphQLHandler", () => {
  const schema = createSchema<ServerContext>({
    typeDefs: /* GraphQL */ `type Query { hello(name: String): String!, who: String }`,
    resolvers: { Query: { hello: (_: unknown, a: { name?: string }) => `Hello, ${a.name ?? "world"}`, who: () => useHeader("x-user") ?? null } },
  });
  const handler = GraphQLHandler({ schema, graphqlEndpoint: "/graphql", logging: false });

  it("answers a POSTed query, with the request's hooks available to resolvers", async () => {
    const res: any = await handler(apiEvent("POST", "/graphql", { body: { query: "{ hello(name: \"Ada\") who }" }, headers: { "x-user": "ada" } }), {} as any);
    assert.equal(res.statusCode, 200);
    assert.match(String(Object.entries(res.headers).find(([k]) => k.toLowerCase() === "content-type")?.[1]), /application\/(graphql-response\+)?json/, JSON.stringify(res.headers));
    assert.deepEqual(JSON.parse(res.body), { data: { hello: "Hello, Ada", who: "ada" } });
  });

  it("answers a GET query from the raw query string", async () => {
    const res: any = await handler(apiEvent("GET", "/graphql", { query: `query=${encodeURIComponent("{ hello }")}`, headers: { accept: "application/json" } }), {} as any);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(res.body), { data: { hello: "Hello, world" } });
  });

  it("reports a bad query as GraphQL errors", async () => {
    const res: any = await handler(apiEvent("POST", "/graphql", { body: { query: "{ nope }" } }), {} as any);
    assert.equal(res.statusCode, 200);
    assert.match(JSON.parse(res.body).errors[0].message, /Cannot query field "nope"/);
  });

  it("takes its endpoint from GRAPHQL_ENDPOINT, as the Api construct sets it", async () => {
    process.env.GRAPHQL_ENDPOINT = "/";
    try {
      const rooted = GraphQLHandler({ schema, logging: false });
      const res: any = await rooted(apiEvent("POST", "/", { body: { query: "{ hello }" } }), {} as any);
      assert.deepEqual(JSON.parse(res.body), { data: { hello: "Hello, world" } });
    } finally {
      delete process.env.GRAPHQL_ENDPOINT;
    }
  });
});
