/**
 * An SST v2 app's AppSyncApi using what CDK's GraphqlApi writes beyond a unit resolver —
 * IAM as the default mode with API keys as an additional one, `@aws_*` directives, an
 * APPSYNC_JS pipeline built with `appsync.AppsyncFunction` and `createResolver`
 * (`Code.fromInline`, `FunctionRuntime.JS_1_0_0`), a subscription with `@aws_subscribe` —
 * deployed to the local cloud as `sst dev` deploys it and called as clients call it: SigV4
 * requests signed by the SDK's signer, an API key, and a `ws` client on the realtime
 * endpoint; `sst dev` has nothing to say about any of it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { useLocalApp, synthForLocal, deploySynthesized, oneStackApp } from "../project/fixtures/local-app.js";
import { WebSocket } from "ws";
import { sendSigned } from "local-cloud/test-signing.js";

process.env.CDK_VALIDATION = "false";

const files = oneStackApp("graph-app", "Graph", {
  "stacks/Graph.ts": `
import * as appsync from "aws-cdk-lib/aws-appsync";
import { AppSyncApi, StackContext } from "sst/constructs";
export function Graph({ stack }: StackContext) {
  const api = new AppSyncApi(stack, "Graph", {
    schema: "graphql/schema.graphql",
    dataSources: { none: { type: "none" } },
    resolvers: {
      "Mutation post": { dataSource: "none", requestMapping: { inline: '{"version":"2017-02-28","payload":$util.toJson($ctx.args)}' }, responseMapping: { inline: "$util.toJson($ctx.result)" } },
    },
    cdk: { graphqlApi: { authorizationConfig: {
      defaultAuthorization: { authorizationType: appsync.AuthorizationType.IAM },
      additionalAuthorizationModes: [{ authorizationType: appsync.AuthorizationType.API_KEY }],
    } } },
  });
  const runtime = appsync.FunctionRuntime.JS_1_0_0;
  const shout = new appsync.AppsyncFunction(stack, "Shout", {
    name: "shout", api: api.cdk.graphqlApi, dataSource: api.getDataSource("none")!, runtime,
    code: appsync.Code.fromInline("export function request(ctx) { return { payload: ctx.prev.result.toUpperCase() + '!' }; } export function response(ctx) { return ctx.result; }"),
  });
  api.cdk.graphqlApi.createResolver("GreetResolver", {
    typeName: "Query", fieldName: "greet", pipelineConfig: [shout], runtime,
    code: appsync.Code.fromInline("export function request(ctx) { return 'hello ' + ctx.args.name; } export function response(ctx) { return ctx.prev.result; }"),
  });
  stack.addOutputs({ Url: api.url, Key: api.cdk.graphqlApi.apiKey! });
}
`,
  "graphql/schema.graphql": `
type Post @aws_api_key @aws_iam { room: String! text: String }
type Query { greet(name: String!): String @aws_iam @aws_api_key secret: String }
type Mutation { post(room: String!, text: String!): Post @aws_api_key }
type Subscription { onPost(room: String): Post @aws_subscribe(mutations: ["post"]) @aws_api_key }
`,
});

const app = useLocalApp(files);

describe("AppSyncApi: auth modes, a JS pipeline and a subscription, served locally", () => {
  let outputs: Record<string, string> = {};
  const gql = (query: string, headers: Record<string, string>) =>
    fetch(outputs.Url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it("deploys with no notice", { timeout: 240_000 }, async () => {
    const result = await synthForLocal(app.dir);
    assert.deepEqual(result.notices?.filter((n) => /AppSyncApi/.test(n.construct)) ?? [], []);
    outputs = await deploySynthesized(app.cloud, result, "dev-graph-app-Graph");
  });

  it("IAM (the default) and the API key both run the JS pipeline; the undirected field is the default mode's only", { timeout: 60_000 }, async () => {
    const url = new URL(outputs.Url);
    const signed = await sendSigned({ endpoint: url.origin, service: "appsync", path: url.pathname, headers: { "content-type": "application/json" }, body: JSON.stringify({ query: '{ greet(name: "ada") secret }' }) });
    assert.equal(signed.status, 200, signed.body);
    assert.deepEqual(JSON.parse(signed.body), { data: { greet: "HELLO ADA!", secret: null } });
    const keyed = await gql('{ greet(name: "bo") secret }', { "x-api-key": outputs.Key });
    assert.deepEqual(keyed.body.data, { greet: "HELLO BO!", secret: null });
    assert.deepEqual(keyed.body.errors.map((e: any) => e.message), ["Not Authorized to access secret on type Query"]);
    assert.equal((await gql("{ secret }", {})).status, 401);
  });

  it("a subscriber on the realtime endpoint gets the mutation", { timeout: 60_000 }, async () => {
    const header = Buffer.from(JSON.stringify({ host: new URL(outputs.Url).host, "x-api-key": outputs.Key })).toString("base64");
    const ws = new WebSocket(`${outputs.Url.replace(/^http/, "ws")}?header=${header}&payload=e30=`, "graphql-ws");
    const messages: any[] = [];
    const next = () => new Promise<any>((resolve) => {
      const take = () => (messages.length ? resolve(messages.shift()) : setTimeout(take, 10));
      take();
    });
    ws.on("message", (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ type: "connection_init" }));
    assert.equal((await next()).type, "connection_ack");
    ws.send(JSON.stringify({ id: "1", type: "start", payload: { data: JSON.stringify({ query: 'subscription { onPost(room: "a") { room text } }' }), extensions: { authorization: { "x-api-key": outputs.Key } } } }));
    assert.deepEqual(await next(), { type: "start_ack", id: "1" });
    await gql('mutation { b: post(room: "b", text: "no") { room text } a: post(room: "a", text: "yes") { room text } }', { "x-api-key": outputs.Key });
    assert.deepEqual(await next(), { type: "data", id: "1", payload: { data: { onPost: { room: "a", text: "yes" } } } });
    ws.close();
  });
});
