/**
 * WebSocket APIs end to end: a `ws` client connects to an API made with the SDK, its
 * messages reach real Lambda functions by route selection, and the functions answer
 * through the management API with the SDK's ApiGatewayManagementApiClient, as IAM allows.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import WebSocket from "ws";
import { zipSync, strToU8 } from "fflate";
import { LambdaClient, CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateRouteResponseCommand, CreateStageCommand } from "@aws-sdk/client-apigatewayv2";
import { ApiGatewayManagementApiClient, GetConnectionCommand, PostToConnectionCommand, DeleteConnectionCommand, GoneException } from "@aws-sdk/client-apigatewaymanagementapi";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { startTestCloud, type TestCloud } from "../../../testing.js";

let tc: TestCloud;
let lambda: LambdaClient;
let apigw: ApiGatewayV2Client;
let iam: IAMClient;
let logs: CloudWatchLogsClient;
let chatApi: { id: string; endpoint: string };

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

async function role(name: string, statements: object[]): Promise<string> {
  const out = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }));
  if (statements.length) await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
  return out.Role!.Arn!;
}

async function fn(name: string, roleArn: string, code: string): Promise<string> {
  const out = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Role: roleArn, Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 10,
    Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) },
  }));
  return out.FunctionArn!;
}

async function route(apiId: string, key: string, target: string, opts: { twoWay?: boolean } = {}) {
  const integration = await apigw.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: "AWS_PROXY", IntegrationUri: target }));
  const r = await apigw.send(new CreateRouteCommand({
    ApiId: apiId, RouteKey: key, Target: `integrations/${integration.IntegrationId}`,
    ...(opts.twoWay ? { RouteResponseSelectionExpression: "$default" } : {}),
  }));
  if (opts.twoWay) await apigw.send(new CreateRouteResponseCommand({ ApiId: apiId, RouteId: r.RouteId, RouteResponseKey: "$default" }));
}

async function webSocketApi(name: string): Promise<{ id: string; endpoint: string }> {
  const api = await apigw.send(new CreateApiCommand({ Name: name, ProtocolType: "WEBSOCKET", RouteSelectionExpression: "$request.body.action" }));
  await apigw.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "dev", AutoDeploy: true }));
  return { id: api.ApiId!, endpoint: api.ApiEndpoint! };
}

/** A client on `{apiId}.execute-api.localhost`, which this machine's resolver does not know: looked up as a browser would. */
function connect(url: string, headers: Record<string, string> = {}, protocols: string[] = []): WebSocket {
  return new WebSocket(url, protocols, { headers, lookup: ((_h: string, opts: any, cb: any) => (opts?.all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4))) as any });
}

/** The HTTP status a refused handshake got. */
async function refusedStatus(url: string): Promise<number> {
  const ws = connect(url);
  ws.on("error", () => {});
  const [, res] = await once(ws, "unexpected-response");
  res.resume();
  ws.terminate();
  return res.statusCode;
}

/** Resolves with the next message as text. */
async function nextMessage(ws: WebSocket): Promise<string> {
  const [data] = await once(ws, "message", { signal: AbortSignal.timeout(20_000) });
  return (data as Buffer).toString("utf8");
}

async function logLines(group: string, pattern: string, min = 1): Promise<string[]> {
  let found: string[] = [];
  for (let i = 0; i < 50 && found.length < min; i++) {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: pattern })).catch(() => ({ events: [] }));
    found = (out.events ?? []).map((e) => e.message!);
    if (found.length < min) await new Promise((r) => setTimeout(r, 100));
  }
  return found;
}

before(async () => {
  tc = await startTestCloud();
  lambda = new LambdaClient(tc.clientConfig);
  apigw = new ApiGatewayV2Client(tc.clientConfig);
  iam = new IAMClient(tc.clientConfig);
  logs = new CloudWatchLogsClient(tc.clientConfig);

  chatApi = await webSocketApi("chat");
  const manage = await role("chat-role", [{ Effect: "Allow", Action: "execute-api:ManageConnections", Resource: `arn:aws:execute-api:*:*:${chatApi.id}/*/POST/@connections/*` }]);
  const noManage = await role("quiet-role", []);
  const connectFn = await fn("ws-connect", noManage, `
    export const handler = async (event) => {
      console.log("CONNECT " + JSON.stringify({ ctx: event.requestContext, query: event.queryStringParameters, headers: event.headers }));
      if (event.queryStringParameters?.deny) return { statusCode: 403, body: "go away" };
      const offered = event.headers["Sec-WebSocket-Protocol"];
      return { statusCode: 200, headers: offered ? { "Sec-WebSocket-Protocol": offered.split(",")[0].trim() } : undefined, body: "Connected" };
    };`);
  const disconnectFn = await fn("ws-disconnect", noManage, `
    export const handler = async (event) => { console.log("DISCONNECT " + JSON.stringify(event.requestContext)); return { statusCode: 200 }; };`);
  const chatFn = await fn("ws-chat", manage, `
    import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
    export const handler = async (event) => {
      const { domainName, stage, connectionId, routeKey, eventType } = event.requestContext;
      const client = new ApiGatewayManagementApiClient({ endpoint: "https://" + domainName + "/" + stage });
      const data = JSON.parse(event.body).data;
      await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify({ echo: data, routeKey, eventType, connectionId }) }));
      return { statusCode: 200 };
    };`);
  const echoFn = await fn("ws-default", noManage, `
    export const handler = async (event) => ({ statusCode: 200, body: "default:" + (event.isBase64Encoded ? "b64:" : "") + event.body });`);
  const deniedFn = await fn("ws-denied", noManage, `
    import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
    export const handler = async (event) => {
      const { domainName, stage, connectionId } = event.requestContext;
      const client = new ApiGatewayManagementApiClient({ endpoint: "https://" + domainName + "/" + stage });
      try { await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "x" })); return { statusCode: 200, body: "sent" }; }
      catch (err) { return { statusCode: 200, body: err.name + " " + err.$metadata?.httpStatusCode }; }
    };`);
  const failFn = await fn("ws-fail", noManage, `export const handler = async () => { throw new Error("boom"); };`);
  await route(chatApi.id, "$connect", connectFn);
  await route(chatApi.id, "$disconnect", disconnectFn);
  await route(chatApi.id, "sendmessage", chatFn);
  await route(chatApi.id, "$default", echoFn, { twoWay: true });
  await route(chatApi.id, "denied", deniedFn, { twoWay: true });
  await route(chatApi.id, "fail", failFn);
});

after(async () => {
  for (const c of [lambda, apigw, iam, logs]) c?.destroy();
  await tc?.stop();
});

test("the API's endpoint is ws://{apiId}.execute-api.localhost:{port}", () => {
  const port = new URL(tc.clientConfig.endpoint).port;
  assert.equal(chatApi.endpoint, `ws://${chatApi.id}.execute-api.localhost:${port}`);
});

test("$connect, a routed message answered through the management API, $default two-way, $disconnect", { timeout: 60_000 }, async () => {
  const ws = connect(`${chatApi.endpoint}/dev?room=blue`, { "X-Custom": "Yes" });
  await once(ws, "open");

  const [connectLine] = await logLines("/aws/lambda/ws-connect", '"CONNECT"');
  const connected = JSON.parse(connectLine!.slice(connectLine!.indexOf("CONNECT ") + 8));
  assert.equal(connected.ctx.eventType, "CONNECT");
  assert.equal(connected.ctx.routeKey, "$connect");
  assert.equal(connected.ctx.stage, "dev");
  assert.equal(connected.ctx.apiId, chatApi.id);
  assert.equal(connected.ctx.domainName, `${chatApi.id}.execute-api.localhost`);
  assert.match(connected.ctx.connectionId, /^[A-Za-z0-9]{15}=$/);
  assert.deepEqual(connected.query, { room: "blue" });
  assert.equal(connected.headers["X-Custom"], "Yes", "handshake headers keep the client's spelling");

  ws.send(JSON.stringify({ action: "sendmessage", data: "hello" }));
  assert.deepEqual(JSON.parse(await nextMessage(ws)), { echo: "hello", routeKey: "sendmessage", eventType: "MESSAGE", connectionId: connected.ctx.connectionId });

  ws.send("not json at all");
  assert.equal(await nextMessage(ws), "default:not json at all");
  ws.send(JSON.stringify({ action: "nosuchroute" }));
  assert.equal(await nextMessage(ws), `default:${JSON.stringify({ action: "nosuchroute" })}`);
  ws.send(Buffer.from([0xff, 0x00, 0x01]), { binary: true });
  assert.equal(await nextMessage(ws), "default:b64:/wAB");

  // A function that fails: the client hears API Gateway's error, the connection stays.
  ws.send(JSON.stringify({ action: "fail" }));
  const failed = JSON.parse(await nextMessage(ws));
  assert.equal(failed.message, "Internal server error");
  assert.equal(failed.connectionId, connected.ctx.connectionId);

  ws.close(1000, "bye");
  await once(ws, "close");
  const [line] = await logLines("/aws/lambda/ws-disconnect", '"DISCONNECT"');
  const ctx = JSON.parse(line!.slice(line!.indexOf("DISCONNECT ") + 11));
  assert.equal(ctx.eventType, "DISCONNECT");
  assert.equal(ctx.disconnectStatusCode, 1000);
  assert.equal(ctx.disconnectReason, "bye");
  assert.equal(ctx.connectionId, connected.ctx.connectionId);
});

test("the handshake answers with the subprotocol $connect returned (a session token offered as one, as SST's useSession reads it)", async () => {
  const ws = connect(`${chatApi.endpoint}/dev`, {}, ["token-abc", "other"]);
  await once(ws, "open");
  assert.equal(ws.protocol, "token-abc");
  ws.close();
});

test("$connect answering non-2xx refuses the handshake with its status", async () => {
  assert.equal(await refusedStatus(`${chatApi.endpoint}/dev?deny=1`), 403);
});

test("an unknown stage or API is refused; the path-style URL on the cloud's address works too", async () => {
  assert.equal(await refusedStatus(`${chatApi.endpoint}/prod`), 403);
  assert.equal(await refusedStatus(chatApi.endpoint.replace(chatApi.id, "nosuchapi0")), 403);
  assert.equal(await refusedStatus(`${chatApi.endpoint}/%E0%A4%A`), 403, "a malformed escape is refused, not an error");

  const pathStyle = new WebSocket(`${tc.clientConfig.endpoint.replace("http", "ws")}/_aws/execute-api/${chatApi.id}/dev`);
  await once(pathStyle, "open");
  pathStyle.send("ping");
  assert.equal(await nextMessage(pathStyle), "default:ping");
  pathStyle.close();
});

test("a role without execute-api:ManageConnections gets ForbiddenException; a gone connection is a 410", async () => {
  const ws = connect(`${chatApi.endpoint}/dev`);
  await once(ws, "open");
  ws.send(JSON.stringify({ action: "denied" }));
  assert.equal(await nextMessage(ws), "ForbiddenException 403");

  // The management API from outside a function: GetConnection, DeleteConnection, and 410 once gone.
  ws.send(JSON.stringify({ action: "sendmessage", data: "who am i" }));
  const { connectionId } = JSON.parse(await nextMessage(ws)) as { connectionId: string };
  const viaCloud = new ApiGatewayManagementApiClient({ ...tc.clientConfig, endpoint: `${tc.clientConfig.endpoint}/_aws/execute-api/${chatApi.id}/dev` });
  try {
    const info = await viaCloud.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    assert.ok(info.ConnectedAt instanceof Date);
    assert.ok(info.LastActiveAt!.getTime() >= info.ConnectedAt!.getTime());
    assert.equal(info.Identity?.SourceIp, "127.0.0.1");

    // Listening before posting: the frame may arrive before the SDK's answer does.
    const incoming = nextMessage(ws);
    await viaCloud.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from("from outside") }));
    assert.equal(await incoming, "from outside");

    const closed = once(ws, "close");
    await viaCloud.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    await closed;
    await assert.rejects(viaCloud.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from("late") })), (err: any) => {
      assert.ok(err instanceof GoneException, String(err));
      assert.equal(err.$metadata.httpStatusCode, 410);
      return true;
    });
  } finally {
    viaCloud.destroy();
  }
});

test("an API with no $default answers an unrouted message with Forbidden", async () => {
  const api = await webSocketApi("strict");
  const echo = await fn("ws-strict", await role("strict-role", []), `export const handler = async (e) => ({ statusCode: 200, body: "ok" });`);
  await route(api.id, "known", echo, { twoWay: true });
  const ws = connect(`${api.endpoint}/dev`);
  await once(ws, "open");
  ws.send(JSON.stringify({ action: "unknown" }));
  const answer = JSON.parse(await nextMessage(ws));
  assert.equal(answer.message, "Forbidden");
  assert.ok(answer.connectionId && answer.requestId);
  ws.send(JSON.stringify({ action: "known" }));
  assert.equal(await nextMessage(ws), "ok");
  ws.close();
});
