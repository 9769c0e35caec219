/**
 * Subscriptions on AppSync's realtime endpoint, driven by a `ws` client speaking the
 * `graphql-ws` protocol as AppSync's clients (Amplify) do: the base64 `header` / `payload`
 * query parameters, connection_init → connection_ack and `ka`, start → start_ack, a
 * mutation over HTTP delivered as `data` to subscribers of `@aws_subscribe` (filtered by
 * their arguments, fields the mutation did not select null), stop → complete; refusals
 * (bad key at connection_init, a field the caller may not read, a query that is not a
 * subscription), and every local address of the endpoint.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "ws";
import { SignatureV4 } from "@smithy/signature-v4";
import { ADMIN, Sha256 } from "../../test-signing.js";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";

let tc: TestCloud;
before(async () => { tc = await startTestCloud(); });
after(() => tc?.stop());

const api = { "Fn::GetAtt": ["Api", "ApiId"] };
const SCHEMA = `
type Message @aws_api_key @aws_iam { room: String! text: String author: String }
type Query { ping: String }
type Mutation { send(room: String!, text: String!, author: String): Message shout(room: String!, text: String!): Message }
type Subscription {
  onMessage(room: String): Message @aws_subscribe(mutations: ["send", "shout"])
  onSecret: Message @aws_subscribe(mutations: ["send"]) @aws_iam
  onFiltered: Message @aws_subscribe(mutations: ["send"])
}
`;

function template() {
  return {
    Resources: {
      Api: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "chat", AuthenticationType: "API_KEY", AdditionalAuthenticationProviders: [{ AuthenticationType: "AWS_IAM" }] } },
      Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: api, Definition: SCHEMA } },
      Key: { Type: "AWS::AppSync::ApiKey", Properties: { ApiId: api } },
      None: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "none", Type: "NONE" } },
      Send: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: "Mutation", FieldName: "send", DataSourceName: { "Fn::GetAtt": ["None", "Name"] },
        RequestMappingTemplate: '{"version":"2017-02-28","payload":$util.toJson($ctx.args)}', ResponseMappingTemplate: "$util.toJson($ctx.result)" } },
      Shout: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: "Mutation", FieldName: "shout", DataSourceName: { "Fn::GetAtt": ["None", "Name"] },
        Runtime: { Name: "APPSYNC_JS", RuntimeVersion: "1.0.0" }, Code: "export const request = (ctx) => ({ payload: { room: ctx.args.room, text: ctx.args.text.toUpperCase(), author: 'loud' } }); export const response = (ctx) => ctx.result;" } },
      Filtered: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: "Subscription", FieldName: "onFiltered", DataSourceName: { "Fn::GetAtt": ["None", "Name"] },
        Runtime: { Name: "APPSYNC_JS", RuntimeVersion: "1.0.0" }, Code: `
          import { util, extensions } from "@aws-appsync/utils";
          export function request(ctx) { return { payload: null }; }
          export function response(ctx) {
            extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ or: [{ room: { in: ["a", "b"] } }, { text: { beginsWith: "urgent" }, author: { ne: "bot" } }] }));
            return null;
          }` } },
    },
    Outputs: { Url: { Value: { "Fn::GetAtt": ["Api", "GraphQLUrl"] } }, Realtime: { Value: { "Fn::GetAtt": ["Api", "RealtimeUrl"] } }, Key: { Value: { "Fn::GetAtt": ["Api", "ApiId"] } }, ApiKey: { Value: { "Fn::GetAtt": ["Key", "ApiKey"] } } },
  };
}

let url = "";
let realtimeUrl = "";
let apiKey = "";
let apiId = "";

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64");

/** A client as Amplify connects: header and payload in the query, the graphql-ws subprotocol; messages queued for `next`. */
class Client {
  readonly ws: WebSocket;
  private readonly queue: any[] = [];
  private waiting?: (m: any) => void;
  readonly opened: Promise<void>;

  constructor(base: string, headers: Record<string, string>) {
    const host = new URL(url).host;
    this.ws = new WebSocket(`${base}?header=${encodeURIComponent(b64({ host, ...headers }))}&payload=e30=`, "graphql-ws");
    this.ws.on("message", (data) => {
      const m = JSON.parse(data.toString());
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(m);
      } else this.queue.push(m);
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
  }

  send(m: unknown): void {
    this.ws.send(JSON.stringify(m));
  }

  next(timeoutMs = 5000): Promise<any> {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no message")), timeoutMs);
      this.waiting = (m) => {
        clearTimeout(t);
        resolve(m);
      };
    });
  }

  async connect(): Promise<void> {
    await this.opened;
    assert.equal(this.ws.protocol, "graphql-ws");
    this.send({ type: "connection_init" });
    assert.deepEqual(await this.next(), { type: "connection_ack", payload: { connectionTimeoutMs: 300000 } });
  }

  start(id: string, query: string, variables: Record<string, unknown> = {}, authorization: Record<string, string> = { "x-api-key": apiKey, host: new URL(url).host }): void {
    this.send({ id, type: "start", payload: { data: JSON.stringify({ query, variables }), extensions: { authorization } } });
  }

  close(): void {
    this.ws.close();
  }
}

const mutate = (query: string) => fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-api-key": apiKey }, body: JSON.stringify({ query }) }).then((r) => r.json() as Promise<any>);

test("deploys; the RealtimeUrl is a local ws:// address", { timeout: 120_000 }, async () => {
  const { outputs } = await deployTestStack(tc.cloud, "chat", template());
  ({ Url: url, Realtime: realtimeUrl, Key: apiId, ApiKey: apiKey } = outputs);
  assert.equal(realtimeUrl, url.replace(/^http:/, "ws:"));
});

test("subscribe, receive the mutations it listens to, filtered by its arguments; stop completes", { timeout: 60_000 }, async () => {
  const client = new Client(realtimeUrl, { "x-api-key": apiKey });
  await client.connect();
  client.start("all", "subscription { onMessage { room text author } }");
  assert.deepEqual(await client.next(), { type: "start_ack", id: "all" });
  client.start("lobby", "subscription L($room: String) { onMessage(room: $room) { text } }", { room: "lobby" });
  assert.deepEqual(await client.next(), { type: "start_ack", id: "lobby" });

  const sent = await mutate('mutation { send(room: "kitchen", text: "hi") { room text } }');
  assert.deepEqual(sent.data, { send: { room: "kitchen", text: "hi" } });
  assert.deepEqual(await client.next(), { type: "data", id: "all", payload: { data: { onMessage: { room: "kitchen", text: "hi", author: null } } } }, "author was not selected by the mutation: null");

  await mutate('mutation { shout(room: "lobby", text: "hey") { room text author } }');
  const got = [await client.next(), await client.next()].sort((a, b) => a.id.localeCompare(b.id));
  assert.deepEqual(got, [
    { type: "data", id: "all", payload: { data: { onMessage: { room: "lobby", text: "HEY", author: "loud" } } } },
    { type: "data", id: "lobby", payload: { data: { onMessage: { text: "HEY" } } } },
  ]);

  client.send({ type: "stop", id: "all" });
  assert.deepEqual(await client.next(), { type: "complete", id: "all" });
  await mutate('mutation { send(room: "kitchen", text: "again") { room text } }');
  await assert.rejects(client.next(500), /no message/, "stopped and filtered out: nothing arrives");
  client.close();
});

test("enhanced filtering: the subscription resolver's extensions.setSubscriptionFilter decides what is delivered", { timeout: 60_000 }, async () => {
  const client = new Client(realtimeUrl, { "x-api-key": apiKey });
  await client.connect();
  client.start("f", "subscription { onFiltered { room text } }");
  assert.deepEqual(await client.next(), { type: "start_ack", id: "f" });
  await mutate('mutation { send(room: "c", text: "hi", author: "ann") { room text author } }');
  await mutate('mutation { send(room: "c", text: "urgent: bot", author: "bot") { room text author } }');
  await mutate('mutation { send(room: "c", text: "urgent: fire", author: "ann") { room text author } }');
  await mutate('mutation { send(room: "b", text: "in b", author: "bot") { room text author } }');
  assert.deepEqual(await client.next(), { type: "data", id: "f", payload: { data: { onFiltered: { room: "c", text: "urgent: fire" } } } });
  assert.deepEqual(await client.next(), { type: "data", id: "f", payload: { data: { onFiltered: { room: "b", text: "in b" } } } });
  await assert.rejects(client.next(300), /no message/);
  client.close();
});

test("refusals: a bad key at connection_init, a field the mode may not read, not a subscription, an invalid query", { timeout: 60_000 }, async () => {
  const bad = new Client(realtimeUrl, { "x-api-key": "da2-wrong" });
  await bad.opened;
  bad.send({ type: "connection_init" });
  assert.deepEqual(await bad.next(), { type: "connection_error", payload: { errors: [{ errorType: "UnauthorizedException", message: "You are not authorized to make this call.", errorCode: 401 }] } });
  await new Promise((r) => bad.ws.once("close", r));

  const client = new Client(`${url.replace(/^http:/, "ws:")}/realtime`, { "x-api-key": apiKey });
  await client.connect();
  client.start("s1", "subscription { onSecret { text } }");
  assert.deepEqual(await client.next(), { type: "error", id: "s1", payload: { errors: [{ errorType: "Unauthorized", message: "Not Authorized to access onSecret on type Subscription" }] } });
  client.start("q", "query { ping }");
  assert.equal((await client.next()).payload.errors[0].errorType, "UnsupportedOperation");
  client.start("v", "subscription { nope }");
  const invalid = await client.next();
  assert.equal(invalid.type, "error");
  assert.equal(invalid.payload.errors[0].errorType, "ValidationError");
  client.start("k", "subscription { onMessage { text } }", {}, { "x-api-key": "da2-wrong" });
  assert.deepEqual(await client.next(), { type: "error", id: "k", payload: { errors: [{ errorType: "UnauthorizedException", message: "You are not authorized to make this call.", errorCode: 401 }] } });
  client.close();
});

test("the endpoint on its host name; a handshake without graphql-ws, or to an unknown API, is refused", { timeout: 60_000 }, async () => {
  const port = new URL(url).port;
  // `{id}.appsync-realtime-api.localhost` reaches the cloud by its Host header; connect to 127.0.0.1 and name the host.
  const hosted = new WebSocket(`ws://127.0.0.1:${port}/graphql?header=${encodeURIComponent(b64({ "x-api-key": apiKey }))}&payload=e30=`, "graphql-ws", { headers: { host: `${apiId}.appsync-realtime-api.localhost:${port}` } });
  await new Promise((resolve, reject) => { hosted.once("open", resolve); hosted.once("error", reject); });
  hosted.send(JSON.stringify({ type: "connection_init" }));
  const ack = await new Promise<any>((resolve) => hosted.once("message", (d) => resolve(JSON.parse(d.toString()))));
  assert.equal(ack.type, "connection_ack");
  hosted.close();

  const noProtocol = new WebSocket(realtimeUrl);
  const status = await new Promise<number>((resolve) => noProtocol.once("unexpected-response", (_req, res) => resolve(res.statusCode!)));
  assert.equal(status, 400);
  const unknown = new WebSocket(realtimeUrl.replace(apiId, "a".repeat(26)), "graphql-ws");
  assert.equal(await new Promise<number>((resolve) => unknown.once("unexpected-response", (_req, res) => resolve(res.statusCode!))), 404);
});

/** Headers signed for POST `{GraphQL URL path}{suffix}` with `body`, as Amplify signs realtime messages for IAM. */
async function iamHeaders(suffix: string, body: string): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({ service: "appsync", region: "us-east-1", credentials: ADMIN, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign({
    method: "POST", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: `${u.pathname}${suffix}`, query: {},
    headers: { accept: "application/json, text/javascript", "content-encoding": "amz-1.0", "content-type": "application/json; charset=UTF-8", host: u.host },
    body,
  });
  return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
}

test("AWS_IAM on the realtime endpoint: the connection and each start signed as Amplify signs them", { timeout: 60_000 }, async () => {
  const client = new Client(realtimeUrl, await iamHeaders("/connect", "{}"));
  await client.connect();
  const data = JSON.stringify({ query: "subscription { onSecret { text } }", variables: {} });
  client.send({ id: "iam", type: "start", payload: { data, extensions: { authorization: await iamHeaders("", data) } } });
  assert.deepEqual(await client.next(), { type: "start_ack", id: "iam" });
  client.send({ id: "forged", type: "start", payload: { data, extensions: { authorization: await iamHeaders("", data + " ") } } });
  const forged = await client.next();
  assert.equal(forged.payload.errors[0].errorType, "InvalidSignatureException");
  await mutate('mutation { send(room: "vault", text: "psst") { room text } }');
  assert.deepEqual(await client.next(), { type: "data", id: "iam", payload: { data: { onSecret: { text: "psst" } } } });
  client.close();
});

test("a subscription over HTTP is refused: subscriptions live on the realtime endpoint", { timeout: 60_000 }, async () => {
  const res = await fetch(url, { method: "POST", headers: { "x-api-key": apiKey }, body: JSON.stringify({ query: "subscription { onMessage { text } }" }) });
  assert.equal(res.status, 400);
});
