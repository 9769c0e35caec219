/**
 * An AppSyncApi HTTP data source, as SST v2 apps declare it (`{ type: "http", endpoint }`),
 * deployed to the local cloud: VTL request templates (rendered by the shared VTL engine)
 * call the endpoint with a method, path, query, headers and body; the response template
 * reads `$ctx.result.statusCode`/`body`, and fails the field on an upstream error.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { deployAppLocally, oneStackApp, useLocalApp } from "../project/fixtures/local-app.js";
import { startHttpBackend } from "../project/fixtures/http-backend.js";

process.env.CDK_VALIDATION = "false";

const files = (endpoint: string) => oneStackApp("graph-http", "Graph", {
  "stacks/Graph.ts": `
import { AppSyncApi, StackContext } from "sst/constructs";
export function Graph({ stack }: StackContext) {
  const api = new AppSyncApi(stack, "Graph", {
    schema: "graphql/schema.graphql",
    dataSources: { users: { type: "http", endpoint: "${endpoint}" } },
    resolvers: {
      "Query user": {
        dataSource: "users",
        requestMapping: { inline: '{"version": "2018-05-29", "method": "GET", "resourcePath": "/users/$util.urlEncode($ctx.args.id)", "params": {"query": {"full": "yes"}, "headers": {"x-trace": "t-$ctx.args.id"}}}' },
        responseMapping: { inline: '#if($ctx.result.statusCode == 200)$ctx.result.body#else$util.error("upstream answered $ctx.result.statusCode", "Upstream")#end' },
      },
      "Mutation rename": {
        dataSource: "users",
        requestMapping: { inline: '{"version": "2018-05-29", "method": "PUT", "resourcePath": "/users/$ctx.args.id", "params": {"headers": {"content-type": "application/json"}, "body": $util.toJson($util.toJson({"name": $ctx.args.name}))}}' },
        responseMapping: { inline: "$ctx.result.body" },
      },
    },
  });
  stack.addOutputs({ Url: api.url, Key: api.cdk.graphqlApi.apiKey! });
}
`,
  "graphql/schema.graphql": "type User { id: ID! name: String trace: String query: String method: String }\ntype Query { user(id: ID!): User }\ntype Mutation { rename(id: ID!, name: String!): User }\n",
});

let upstream: { url: string; close(): void };
before(async () => {
  // users by id, echoing what it was sent
  upstream = await startHttpBackend(({ method, url: path, headers, body }) => {
    const url = new URL(path, "http://x");
    const id = decodeURIComponent(url.pathname.split("/")[2] ?? "");
    if (id === "missing") return { status: 404, body: "no" };
    const sent = body ? JSON.parse(body) : {};
    return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ id, name: sent.name ?? "Ada", trace: headers["x-trace"], query: url.search, method }) };
  });
});
after(() => upstream?.close());
const app = useLocalApp(() => files(upstream.url));

describe("AppSyncApi HTTP data sources", () => {
  let outputs: Record<string, string> = {};
  const gql = (query: string) =>
    fetch(outputs.Url!, { method: "POST", headers: { "content-type": "application/json", "x-api-key": outputs.Key! }, body: JSON.stringify({ query }) }).then((r) => r.json() as Promise<any>);

  it("deploys with no notice", { timeout: 240_000 }, async () => {
    const deployed = await deployAppLocally(app.cloud, app.dir, "dev-graph-http-Graph");
    assert.deepEqual(deployed.notices.filter((n) => /AppSyncApi/.test(n.construct)), []);
    outputs = deployed.outputs;
  });

  it("a query calls the endpoint with the template's path, query and headers", { timeout: 60_000 }, async () => {
    assert.deepEqual(await gql('{ user(id: "a/b") { id name trace query method } }'), {
      data: { user: { id: "a/b", name: "Ada", trace: "t-a/b", query: "?full=yes", method: "GET" } },
    });
  });

  it("a mutation sends a body; an upstream error fails the field through the response template", { timeout: 60_000 }, async () => {
    assert.deepEqual(await gql('mutation { rename(id: "7", name: "Grace") { id name method } }'), { data: { rename: { id: "7", name: "Grace", method: "PUT" } } });
    const failed = await gql('{ user(id: "missing") { id } }');
    assert.equal(failed.data.user, null);
    assert.equal(failed.errors[0].message, "upstream answered 404");
    assert.equal(failed.errors[0].errorType, "Upstream");
  });
});
