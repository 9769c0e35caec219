/**
 * The data plane of WebSocket APIs: clients connect to `ws://{apiId}.execute-api.localhost:{port}/{stage}`
 * (or `/_aws/execute-api/{apiId}/{stage}` on the cloud's own address), `$connect` runs
 * its authorizer and integration before the handshake is answered, each message is
 * routed by the API's RouteSelectionExpression to its route's Lambda function (or
 * `$default`), and `$disconnect` runs once the connection is gone. Functions reach their
 * clients through the management API (`@connections`, management-api.ts).
 *
 * As on AWS: a refused `$connect` answers the handshake with the status the function
 * returned; a message no route takes gets `{"message": "Forbidden", …}`, one whose
 * function fails gets `{"message": "Internal server error", …}`; a two-way route (one
 * with a route response) sends the function's `body` back; idle connections close after
 * 10 minutes and every connection after 2 hours; messages are at most 128 KiB.
 */
import { isUtf8 } from "node:buffer";
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import type { AwsRequest } from "../../../types.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../../lambda-proxy/lambda-invoke.js";
import { sourceIpOf } from "../../../lambda-proxy/http-request.js";
import type { IamAuthCloud } from "../iam-auth.js";
import { AuthorizerCache } from "../lambda-authorizer.js";
import { authorizeConnect } from "./connect-authorizer.js";
import { connectEvent, disconnectEvent, messageEvent, newWebSocketId, type ConnectionFacts, type RequestFacts } from "./events.js";
import { routeForMessage } from "./route-selection.js";

type Doc = Record<string, any>;

/** What a stage serves, as the HTTP data plane reads it (data-plane.ts `stageView`). */
export interface StageView {
  api: Doc;
  stage: Doc;
  routes: Doc[];
  integrations: Doc[];
  authorizers: Doc[];
}

export interface WebSocketGatewayDeps {
  region: string;
  /** The API and what its stage serves now; undefined for an unknown API or stage. */
  stageView(apiId: string, stageName: string): StageView | undefined;
  lambda: () => LambdaInvoker | undefined;
  iam?: IamAuthCloud;
}

/** API Gateway's limits for WebSocket APIs. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
export const IDLE_TIMEOUT_MS = 10 * 60_000;
export const MAX_CONNECTION_MS = 2 * 60 * 60_000;
const INTEGRATION_TIMEOUT_MS = 29_000;

/** One client connection, as the management API reports it. */
export interface Connection {
  readonly facts: ConnectionFacts;
  readonly socket: WebSocket;
  lastActiveAt: number;
}

export class WebSocketGateway {
  /** The subprotocol each accepted handshake answers with: what `$connect` returned in `Sec-WebSocket-Protocol`, as on AWS (never one the gateway picks itself). */
  private readonly subprotocols = new WeakMap<IncomingMessage, string>();
  /** The `ws` server, loaded with the first handshake (not at every start of the cloud). */
  private server?: Promise<WebSocketServer>;
  private readonly connections = new Map<string, Connection>();
  private readonly authorizerCache = new AuthorizerCache();
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly deps: WebSocketGatewayDeps,
    private readonly limits = { idleMs: IDLE_TIMEOUT_MS, maxMs: MAX_CONNECTION_MS },
  ) {}

  /** The live connection with this id on this API, if any. */
  connection(apiId: string, connectionId: string): Connection | undefined {
    const c = this.connections.get(connectionId);
    return c && c.facts.apiId === apiId ? c : undefined;
  }

  /**
   * Serves a handshake for `apiId`; `path` is what follows the API in the URL (`/{stage}`).
   * Answers it on the socket either way.
   */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, apiId: string, path: string, signed: AwsRequest): Promise<void> {
    const stageName = decodedSegment(path.split("?")[0]!.replace(/^\/+|\/+$/g, ""));
    const view = stageName && !stageName.includes("/") ? this.deps.stageView(apiId, stageName) : undefined;
    if (!view || view.api.ProtocolType !== "WEBSOCKET") return refuse(socket, 403, message("Forbidden"));
    const now = Date.now();
    const facts: ConnectionFacts = {
      apiId,
      stage: stageName,
      connectionId: newWebSocketId(),
      connectedAt: now,
      domainName: `${apiId}.execute-api.localhost`,
      sourceIp: sourceIpOf(signed.headers),
      userAgent: signed.headers["user-agent"],
    };
    const request: RequestFacts = { routeKey: "$connect", requestId: newWebSocketId(), time: now };
    const rawQuery = (req.url ?? "").includes("?") ? req.url!.slice(req.url!.indexOf("?") + 1) : "";
    const connect = view.routes.find((r) => r.RouteKey === "$connect");
    if (connect) {
      const verdict = await authorizeConnect(connect, view.authorizers, { facts, request, signed, rawHeaders: req.rawHeaders, rawQuery }, {
        region: this.deps.region, lambda: this.deps.lambda(), iam: this.deps.iam, cache: this.authorizerCache,
      });
      if (!verdict.ok) return refuse(socket, verdict.status, message(verdict.message));
      request.authorizer = verdict.authorizer;
      const integration = integrationOf(connect, view);
      if (integration) {
        const answer = await this.invoke(integration, connectEvent(facts, request, req.rawHeaders, rawQuery));
        if (!answer.ok) return refuse(socket, 500, message("Internal server error"));
        const status = statusOf(answer.result);
        if (status !== undefined && (status < 200 || status > 299)) return refuse(socket, status, bodyOf(answer.result) ?? "");
        const protocol = headerOf(answer.result, "sec-websocket-protocol");
        if (protocol !== undefined) this.subprotocols.set(req, protocol);
      }
    }
    const server = await (this.server ??= this.createServer());
    if (socket.destroyed) return;
    server.handleUpgrade(req, socket, head, (ws) => this.accept(ws, facts));
  }

  /** Sends data to a connection: false when it is gone (the management API's 410). */
  send(connection: Connection, data: Buffer): boolean {
    if (connection.socket.readyState !== connection.socket.OPEN) return false;
    // Text frames for UTF-8 text (what browsers expect of JSON), binary otherwise.
    const text = isUtf8(data);
    connection.socket.send(text ? data.toString("utf8") : data, { binary: !text });
    return true;
  }

  /** Closes a connection as DeleteConnection does; its `$disconnect` runs as for any close. */
  disconnect(connection: Connection): void {
    connection.socket.close(1000, "");
  }

  /** Closes every connection (the cloud is stopping); `$disconnect` is not awaited. */
  close(): void {
    clearInterval(this.sweep);
    this.sweep = undefined;
    for (const c of this.connections.values()) c.socket.terminate();
    this.connections.clear();
  }

  private async createServer(): Promise<WebSocketServer> {
    const { WebSocketServer } = await import("ws");
    return new WebSocketServer({
      noServer: true,
      maxPayload: MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
      handleProtocols: (offered, req) => {
        const chosen = this.subprotocols.get(req);
        return chosen !== undefined && offered.has(chosen) ? chosen : false;
      },
    });
  }

  private accept(socket: WebSocket, facts: ConnectionFacts): void {
    const connection: Connection = { facts, socket, lastActiveAt: facts.connectedAt };
    this.connections.set(facts.connectionId, connection);
    this.startSweep();
    socket.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      connection.lastActiveAt = Date.now();
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      void this.route(connection, bytes, isBinary).catch((err) => console.error(`[local-cloud] WebSocket ${facts.apiId} message failed`, err));
    });
    socket.on("error", () => socket.terminate());
    socket.once("close", (code: number, reason: Buffer) => {
      this.connections.delete(facts.connectionId);
      void this.disconnected(facts, code, reason.toString("utf8")).catch((err) => console.error(`[local-cloud] WebSocket ${facts.apiId} $disconnect failed`, err));
    });
  }

  private async route(connection: Connection, data: Buffer, binary: boolean): Promise<void> {
    const { facts } = connection;
    const requestId = newWebSocketId();
    const view = this.deps.stageView(facts.apiId, facts.stage);
    const route = view ? routeForMessage(view.routes as (Doc & { RouteKey: string })[], view.api.RouteSelectionExpression, data, binary) : undefined;
    const reply = (message: string) => this.send(connection, Buffer.from(JSON.stringify({ message, connectionId: facts.connectionId, requestId })));
    if (!view || !route) return void reply("Forbidden");
    const integration = integrationOf(route, view);
    if (!integration) return void reply("Internal server error");
    const request: RequestFacts = { routeKey: route.RouteKey, requestId, time: Date.now() };
    const answer = await this.invoke(integration, messageEvent(facts, request, newWebSocketId(), data, binary));
    if (!answer.ok) return void reply("Internal server error");
    // A two-way route (it has a route response) sends the function's answer back.
    if (route.RouteResponseSelectionExpression) {
      const body = bodyOf(answer.result);
      if (body !== undefined) this.send(connection, Buffer.from(body));
    }
  }

  private async disconnected(facts: ConnectionFacts, code: number, reason: string): Promise<void> {
    const view = this.deps.stageView(facts.apiId, facts.stage);
    const route = view?.routes.find((r) => r.RouteKey === "$disconnect");
    const integration = route && view ? integrationOf(route, view) : undefined;
    if (!integration) return;
    const request: RequestFacts = { routeKey: "$disconnect", requestId: newWebSocketId(), time: Date.now() };
    const why = reason || (code === 1005 ? "Client-side close frame status not set" : code === 1006 ? "Connection closed abnormally" : "");
    await this.invoke(integration, disconnectEvent(facts, request, code, why));
  }

  private async invoke(integration: Doc, event: Record<string, unknown>): Promise<{ ok: true; result: unknown } | { ok: false }> {
    if (integration.IntegrationType !== "AWS_PROXY" && integration.IntegrationType !== "AWS") return { ok: false };
    const timeout = Math.min(integration.TimeoutInMillis ?? INTEGRATION_TIMEOUT_MS, INTEGRATION_TIMEOUT_MS);
    const outcome = await invokeWithTimeout(this.deps.lambda(), functionFromIntegrationUri(integration.IntegrationUri ?? ""), event, timeout);
    if (outcome.kind !== "ok") return { ok: false };
    const text = outcome.payload.toString("utf8");
    try {
      return { ok: true, result: text ? JSON.parse(text) : null };
    } catch {
      return { ok: true, result: text };
    }
  }

  /** One timer for every connection: idle and over-age connections close as on AWS (1001, "Going away"). */
  private startSweep(): void {
    if (this.sweep) return;
    const every = Math.max(50, Math.min(30_000, this.limits.idleMs / 4));
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const c of this.connections.values()) {
        if (now - c.lastActiveAt >= this.limits.idleMs || now - c.facts.connectedAt >= this.limits.maxMs) c.socket.close(1001, "Going away");
      }
      if (this.connections.size === 0) {
        clearInterval(this.sweep);
        this.sweep = undefined;
      }
    }, every);
    this.sweep.unref();
  }
}

function integrationOf(route: Doc, view: StageView): Doc | undefined {
  const id = /^integrations\/(.+)$/.exec(route.Target ?? "")?.[1];
  return id ? view.integrations.find((i) => i.IntegrationId === id) : undefined;
}

/** The statusCode a proxy result gives (a number or a numeric string), if any. */
function statusOf(result: unknown): number | undefined {
  const s = (result as { statusCode?: unknown } | null)?.statusCode;
  const n = typeof s === "string" && /^\d+$/.test(s) ? Number(s) : s;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

/** A header of a proxy result (`headers`, names in any case). */
function headerOf(result: unknown, name: string): string | undefined {
  const headers = (result as { headers?: unknown } | null)?.headers;
  if (!headers || typeof headers !== "object") return undefined;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name && (typeof value === "string" || typeof value === "number")) return String(value);
  }
  return undefined;
}

/** What a proxy result sends back: its `body`, or the result itself when it is not a proxy response. */
function bodyOf(result: unknown): string | undefined {
  if (result === null || result === undefined) return undefined;
  if (typeof result === "string") return result;
  if (typeof result === "object" && "body" in (result as object)) {
    const body = (result as { body?: unknown; isBase64Encoded?: boolean }).body;
    if (body === undefined || body === null) return undefined;
    return typeof body === "string" ? ((result as { isBase64Encoded?: boolean }).isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body) : JSON.stringify(body);
  }
  return JSON.stringify(result);
}

const message = (text: string) => JSON.stringify({ message: text });

/** A percent-decoded path segment; a malformed escape names no stage (refused like an unknown one). */
function decodedSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return "";
  }
}

/** Answers a handshake with an HTTP status and closes the socket. */
function refuse(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  const reason = status >= 100 && status <= 599 ? status : 500;
  socket.end(`HTTP/1.1 ${reason} ${STATUS_CODES[reason] ?? "Refused"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

