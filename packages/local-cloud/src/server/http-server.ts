/**
 * The one HTTP entry point: reads a request, authenticates it (SigV4), picks the
 * service from the credential scope and hands it over. Paths under `/_aws/` are the
 * local cloud's own data planes (API Gateway execute-api, CloudFormation custom
 * resource responses), reached without a signature, as on AWS.
 *
 * Requests arrive two ways and meet in `answerRequest`: the common case through the lean
 * HTTP/1.1 layer (http1-server.ts, http1-connection.ts, http1-parser.ts), everything
 * else (chunked uploads, Expect: 100-continue, HTTP/1.0 …) through a node:http server
 * that the socket is handed to. Both build the same neutral request, and
 * `answerRequest` turns it into the answer, so the two paths cannot drift apart.
 */
import http from "node:http";
import http2 from "node:http2";
import { randomUUID } from "node:crypto";
import { Readable, type Duplex } from "node:stream";
import { AwsError } from "./aws-error.js";
import { readSignature, verifySignature } from "./sigv4.js";
import { familyOfUnread, kernelErrorResponse, missingAuthError, protocolFamily, signatureError, unknownKeyError, type Family } from "./kernel-errors.js";
import { lendsChunks } from "./file-range-stream.js";
import { KEEP_ALIVE_TIMEOUT_MS, PUMP_AHEAD_MAX, type Exchange, type HttpAnswer, type HttpRequest } from "./http1-connection.js";
import { ALWAYS_ACCEPTED_BODY, bodyLimitFor } from "./body-limits.js";
import { streamsBody } from "./streamed-bodies.js";
import { Http1Server } from "./http1-server.js";
import { HostNames, sentByWebPage } from "./web-origin.js";
import {
  JSON_API_CORS_HEADERS,
  QUERY_SIGNATURE_REFUSED,
  contentTypeRefusal,
  isPreflight,
  jsonPreflightAnswer,
  preflightsJsonApi,
  querySignatureAccepted,
} from "./admission.js";
import { ADMIN_ACCESS_KEY_ID, type AwsRequest, type AwsResponse, type Principal } from "../types.js";

export { Http1Server };

export const ANONYMOUS: Principal = Object.freeze({ accessKeyId: "", arn: "anonymous", admin: false });

/** What the server needs from the cloud: kept narrow so the server stays testable. */
export interface RequestDispatcher {
  readonly region: string;
  /**
   * Resolve an access key to its secret and principal; undefined when unknown. Given the
   * request's headers, the admin key is unknown to a request a web page sent.
   */
  lookupAccessKey(accessKeyId: string, headers?: Record<string, string>): { secretAccessKey: string; sessionToken?: string; principal: Principal } | undefined;
  /** The service serving a SigV4 signing name. */
  serviceFor(signingName: string): { handle(req: AwsRequest): Promise<AwsResponse> } | undefined;
  /** The signing name of the service that takes this request unsigned (Cognito's public operations), if any. */
  unsignedServiceFor?(method: string, path: string, target: string | undefined): string | undefined;
  /** Local data planes under /_aws/{name}/…, e.g. execute-api. Undefined when none matches. */
  internalRoute(req: AwsRequest): Promise<AwsResponse> | undefined;
  /**
   * A WebSocket handshake (`Upgrade: websocket`): the data plane that claims it answers
   * on the socket and returns true; false when none does.
   */
  upgrade?(req: http.IncomingMessage, socket: Duplex, head: Buffer, asRequest: AwsRequest): boolean;
}

/** Hosts a local data plane may claim: `<name>.localhost[:port]` (S3 virtual hosts fall through). */
const LOCAL_PLANE_HOST = /^[a-z0-9.-]+\.localhost(:\d+)?$/i;
function isLocalPlaneHost(host: string): boolean {
  return LOCAL_PLANE_HOST.test(host);
}

export interface HttpServerOptions {
  /** Host names to answer besides 127.0.0.1, localhost, *.localhost and [::1]. */
  allowedHosts?: readonly string[];
  /** How long a request head may take to arrive. @default 60 s */
  headersTimeoutMs?: number;
  /** How long a whole request may take to arrive. @default 300 s */
  requestTimeoutMs?: number;
}

/** What `serve` needs besides the request: the dispatcher and the server's own settings. */
interface ServeContext {
  readonly dispatcher: RequestDispatcher;
  readonly hosts: HostNames;
}

/** A server on `node:net` that speaks HTTP/1.1 itself and hands unusual requests to node:http. */
export function createHttpServer(dispatcher: RequestDispatcher, opts: HttpServerOptions = {}): Http1Server {
  const context: ServeContext = { dispatcher, hosts: new HostNames(opts.allowedHosts) };
  const fallback = http.createServer((req, res) => serveNodeRequest(context, req, res));
  fallback.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Expect: 100-continue (the AWS CLI's uploads): a body over its limit is refused before
  // the client sends it; any other gets its 100 Continue and is served as usual.
  fallback.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    const limit = bodyLimitFor(req.url ?? "/", collectHeaders(req));
    if (declared > limit.limit) return refuseNodeBody(req, res, limit.refuse(declared));
    res.writeContinue();
    serveNodeRequest(context, req, res);
  });
  fallback.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => serveUpgrade(context, req, socket, head));
  // HTTP/2 without TLS, with prior knowledge: what the AWS SDK's HTTP/2 clients (Kinesis)
  // speak to an http:// endpoint. Served through node's compatibility API, which gives the
  // same request and response objects as node:http.
  const h2c = http2.createServer();
  h2c.on("request", (req, res) => serveNodeRequest(context, req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse));
  h2c.on("sessionError", () => {});
  return new Http1Server((exchange) => void serveExchange(context, exchange), fallback, {
    http2: h2c,
    bodyLimit: bodyLimitFor,
    streamsBody,
    bodyCheckThreshold: ALWAYS_ACCEPTED_BODY,
    headersTimeoutMs: opts.headersTimeoutMs,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
}

/**
 * A handshake to upgrade the connection (WebSockets): the Host must name the local cloud,
 * as for any request (DNS rebinding); then the data plane that serves the URL takes the
 * socket. Anything else is refused with a status and the socket closed.
 */
function serveUpgrade(context: ServeContext, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on("error", () => socket.destroy());
  const refuse = (status: number, message: string) => {
    const body = JSON.stringify({ message });
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  };
  const headers = collectHeaders(req);
  if (!context.hosts.allows(headers.host)) return refuse(421, `The local cloud answers only requests whose Host names it (${context.hosts.describe()}), not ${JSON.stringify(headers.host ?? "")}.`);
  if ((headers.upgrade ?? "").toLowerCase() !== "websocket") return refuse(400, "Only WebSocket upgrades are served");
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const asRequest: AwsRequest = {
    requestId: randomUUID(),
    method: req.method ?? "GET",
    path: q < 0 ? url : url.slice(0, q),
    query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
    headers,
    body: Buffer.alloc(0),
    service: "",
    region: context.dispatcher.region,
    principal: ANONYMOUS,
  };
  let claimed = false;
  try {
    claimed = context.dispatcher.upgrade?.(req, socket, head, asRequest) ?? false;
  } catch (err) {
    console.error("[local-cloud] WebSocket handshake failed", err);
    return refuse(500, "Internal server error");
  }
  if (!claimed) refuse(404, "Not Found");
}

/** Answers a handed-off request whose body is over its limit, and drops the rest of the body. */
function refuseNodeBody(req: http.IncomingMessage, res: http.ServerResponse, answer: HttpAnswer): void {
  req.removeAllListeners("data");
  req.removeAllListeners("end");
  req.resume();
  res.shouldKeepAlive = false;
  res.writeHead(answer.status, { ...(answer.headers as Record<string, string>), connection: "close" });
  res.end(answer.body as string | undefined);
}

/** The fast path: the Exchange is the request, and takes the answer. */
async function serveExchange(context: ServeContext, exchange: Exchange): Promise<void> {
  const requestId = randomUUID();
  try {
    exchange.respond(await answerRequest(context, exchange, requestId));
  } catch (err) {
    // The answer cannot be written (a bad status or header value): a 500 instead, as
    // when node:http's writeHead threw.
    console.error("[local-cloud] unexpected error", err);
    try {
      exchange.respond(internalFailure(requestId));
    } catch {
      // A constant answer cannot fail; this only keeps a rejection from escaping.
    }
  }
}

/** Handed-off sockets: node:http's request and response objects, as before. */
function serveNodeRequest(context: ServeContext, req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  // Chunked uploads declare no size: the body is counted as it comes and refused once over.
  const headers = collectHeaders(req);
  const limit = bodyLimitFor(req.url ?? "/", headers);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit.limit) return refuseNodeBody(req, res, limit.refuse(declared));
  const method = req.method ?? "GET";
  const url = req.url ?? "/";
  if (streamsBody(method, url, headers, req.headers["content-length"] === undefined ? undefined : declared)) {
    // The service reads the body as it arrives (what it leaves unread, node:http drops).
    req.on("error", () => res.destroy());
    return void answerAndSend(context, { method, url, headers, body: EMPTY_BODY, bodyStream: req }, res);
  }
  let received = 0;
  req.on("data", (c: Buffer) => {
    received += c.length;
    if (received > limit.limit) return refuseNodeBody(req, res, limit.refuse(received));
    chunks.push(c);
  });
  req.on("error", () => res.destroy());
  req.on("end", () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    answerAndSend(context, { method, url, headers, body }, res);
  });
}

const EMPTY_BODY = Buffer.alloc(0);

function answerAndSend(context: ServeContext, request: HttpRequest, res: http.ServerResponse): void {
  const requestId = randomUUID();
  answerRequest(context, request, requestId)
    .then((answer) => send(res, request.method, answer))
    .catch((err) => {
      console.error("[local-cloud] unexpected error", err);
      send(res, request.method, internalFailure(requestId));
    })
    .catch(() => res.destroy());
}

function collectHeaders(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  let authority: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    // HTTP/2's pseudo-headers: :authority stands for a missing Host, and stays (the AWS
    // SDK signs it as a header); the others are the request line.
    if (name.startsWith(":")) {
      if (name !== ":authority") continue;
      authority = raw[i + 1]!;
    }
    const value = raw[i + 1]!;
    const prev = headers[name];
    headers[name] = typeof prev === "string" ? `${prev},${value}` : value;
  }
  if (authority !== undefined && headers.host === undefined) headers.host = authority;
  return headers;
}

function internalFailure(requestId: string): AwsResponse {
  return {
    status: 500,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
    body: JSON.stringify({ message: "InternalFailure" }),
  };
}

/**
 * The answer to a request, whichever path it came in on: never throws (an unexpected
 * error is a 500), and always carries a request id header.
 */
async function answerRequest(context: ServeContext, req: HttpRequest, requestId: string): Promise<AwsResponse> {
  try {
    const answer = await serve(context, req, requestId);
    const headers = answer.headers ?? (answer.headers = {});
    // A page calling a JSON API (with its own credentials) may read the answer, errors included.
    if (req.headers.origin !== undefined && req.headers["x-amz-target"] !== undefined) Object.assign(headers, JSON_API_CORS_HEADERS);
    if (!("x-amzn-requestid" in headers) && !("x-amz-request-id" in headers)) {
      headers["x-amzn-requestid"] = requestId;
    }
    return answer;
  } catch (err) {
    console.error("[local-cloud] unexpected error", err);
    return internalFailure(requestId);
  }
}

/**
 * The dispatch both paths share: builds the AwsRequest, then routes it to a local
 * data plane, or verifies its signature and hands it to the service it is signed for.
 * In between, what no service should see: a Host that does not name the local cloud
 * (DNS rebinding), a body of the wrong content type, a query-string signature where AWS
 * takes none, and the admin key on a request a web page sent (see web-origin.ts).
 */
async function serve(context: ServeContext, req: HttpRequest, requestId: string): Promise<AwsResponse> {
  const { dispatcher } = context;
  const url = req.url;
  const q = url.indexOf("?");
  const headers = req.headers;
  const host = headers.host;
  if (!context.hosts.allows(host)) {
    const family = familyOfUnread(headers, new URLSearchParams(q < 0 ? "" : url.slice(q + 1)));
    const message = `The local cloud answers only requests whose Host names it (${context.hosts.describe()}), not ${JSON.stringify(host ?? "")}. Add a name with SST_LOCAL_ALLOWED_HOSTS.`;
    return kernelErrorResponse(new AwsError("MisdirectedRequest", message, 421), family, requestId);
  }
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  const awsReq: AwsRequest = {
    requestId,
    method: req.method,
    path,
    query,
    headers,
    body: req.body,
    bodyStream: req.bodyStream,
    service: "",
    region: dispatcher.region,
    principal: ANONYMOUS,
  };

  // Local data planes: /_aws/…, and *.localhost hosts (execute-api, API custom domains,
  // the local CDN's {id}.cloudfront.localhost);
  // a *.localhost host none of them claims is S3's virtual host.
  if (path.startsWith("/_aws/") || (host !== undefined && host.includes(".localhost") && !host.includes(".s3.") && isLocalPlaneHost(host))) {
    // (Awaited only when there is a stream: an await costs every request a turn of the microtask queue.)
    if (awsReq.bodyStream) await collectStreamedBody(awsReq);
    const internal = dispatcher.internalRoute(awsReq);
    if (internal) return internal;
  }

  // A CORS preflight is never signed: a JSON API's is answered here, any other is S3's
  // (from the bucket's CORS rules), whatever signature its URL carries for the request after it.
  const preflight = isPreflight(req.method, headers);
  if (preflight && preflightsJsonApi(headers)) return jsonPreflightAnswer(headers);
  const sig = preflight ? undefined : readSignature(headers, query);
  let service = "s3"; // Unsigned requests are S3's: browsers, CORS preflights, public objects.
  if (headers["x-amz-target"] !== undefined) {
    // The JSON protocols look at the content type before anything else, signature included.
    const refused = contentTypeRefusal("json", headers, req.body.length);
    if (refused) return refusal(refused, "json", requestId);
  }
  if (sig && "malformed" in sig) {
    const family = familyOfUnread(headers, query);
    return kernelErrorResponse(signatureError({ kind: "malformed", message: sig.malformed }, family), family, awsReq.requestId);
  }
  const unsignedService = sig ? undefined : dispatcher.unsignedServiceFor?.(req.method, path, headers["x-amz-target"]);
  if (unsignedService) service = unsignedService;
  else if (!sig && headers["x-amz-target"]) {
    // An unsigned call to a JSON-protocol API: AWS refuses it before looking further.
    return kernelErrorResponse(missingAuthError("json"), "json", awsReq.requestId);
  }
  if (sig) {
    service = sig.service;
    const family = protocolFamily(service, headers);
    if (family === "rest-json") {
      const refused = contentTypeRefusal(family, headers, req.body.length);
      if (refused) return refusal(refused, family, requestId);
    }
    if (sig.presigned && !querySignatureAccepted(service, req.method, query)) {
      return kernelErrorResponse(missingAuthError(family, QUERY_SIGNATURE_REFUSED), family, requestId);
    }
    const key = dispatcher.lookupAccessKey(sig.accessKeyId, headers);
    if (!key) {
      const err = unknownKeyError(family);
      if (sig.accessKeyId === ADMIN_ACCESS_KEY_ID && sentByWebPage(headers)) {
        // Said once, for the developer who tried it from their own page.
        err.message += ` The local cloud's admin key is refused on requests a web page sends (Origin or Sec-Fetch-Site); sign them with other credentials.`;
      }
      return kernelErrorResponse(err, family, awsReq.requestId);
    }
    const problem = verifySignature(sig, key.secretAccessKey, awsReq);
    if (problem) return kernelErrorResponse(signatureError(problem, family), family, awsReq.requestId);
    if (key.sessionToken !== undefined && sig.securityToken !== key.sessionToken) {
      return kernelErrorResponse(unknownKeyError(family), family, awsReq.requestId);
    }
    awsReq.principal = key.principal;
    awsReq.region = sig.region;
  }
  awsReq.service = service;
  // Only S3 reads a body as a stream.
  if (service !== "s3") await collectStreamedBody(awsReq);
  const target = dispatcher.serviceFor(service);
  if (!target) {
    const family = protocolFamily(service, headers);
    const err = new AwsError("NotImplemented", `The local cloud does not implement the ${service} service.`, 501);
    return kernelErrorResponse(err, family, awsReq.requestId);
  }
  try {
    return await target.handle(awsReq);
  } catch (err) {
    const family = protocolFamily(service, headers);
    if (err instanceof AwsError) return kernelErrorResponse(err, family, awsReq.requestId);
    console.error(`[local-cloud] ${service} failed`, err);
    return kernelErrorResponse(
      new AwsError("InternalFailure", "The request processing has failed because of an unknown error.", 500),
      family,
      awsReq.requestId,
    );
  }
}

/** A streamed body (streamed-bodies.ts) read whole, for a handler that takes bodies in memory. */
async function collectStreamedBody(req: AwsRequest): Promise<void> {
  const stream = req.bodyStream;
  if (!stream) return;
  req.bodyStream = undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  req.body = Buffer.concat(chunks);
}

function refusal(refused: AwsResponse | AwsError, family: Family, requestId: string): AwsResponse {
  return refused instanceof AwsError ? kernelErrorResponse(refused, family, requestId) : refused;
}

/**
 * A streamed answer through node:http. Not pipe(): it pauses the source whenever the
 * response's 16 KiB buffer is full, so a large file was read only once the socket had
 * drained; here, as on the fast path, up to PUMP_AHEAD_MAX may wait in the socket.
 */
function streamTo(res: http.ServerResponse, body: Readable): void {
  const resume = () => body.resume();
  // A file's blocks go back to its pool once written, as on the fast path (HTTP/1.1 only:
  // node:http calls back once the socket has written the bytes).
  const lender = res.req?.httpVersionMajor === 1 && lendsChunks(body) ? body : undefined;
  body.on("data", (chunk: Buffer | string) => {
    const ok =
      lender !== undefined && typeof chunk !== "string"
        ? res.write(chunk, (err) => {
            if (!err) lender.takeBack(chunk);
          })
        : res.write(chunk);
    if (!ok && res.writableLength >= PUMP_AHEAD_MAX) {
      body.pause();
      res.once("drain", resume);
    }
  });
  body.on("end", () => res.end());
  body.on("error", () => res.destroy());
  // The client went away: stop reading the source (closes a file, ends a live log).
  res.on("close", () => {
    if (!body.readableEnded) body.destroy();
  });
}

/** Write an answer through node:http (handed-off sockets only). */
/** Headers HTTP/2 forbids (RFC 9113 §8.2.2): the connection's own business in HTTP/1.1. */
const HTTP1_ONLY_HEADERS = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"];

function send(res: http.ServerResponse, method: string, answer: AwsResponse): void {
  const headers = answer.headers ?? {};
  if (res.req?.httpVersionMajor === 2) for (const name of HTTP1_ONLY_HEADERS) delete headers[name];
  const body = answer.body;
  if (body instanceof Readable) {
    res.writeHead(answer.status, headers);
    if (method === "HEAD") {
      body.destroy();
      res.end();
      return;
    }
    streamTo(res, body);
    return;
  }
  // A string body is handed to end() as a string: Node then sends head and body in one
  // write() instead of a writev() of two buffers, measurably cheaper per small response.
  if (!("content-length" in headers)) {
    headers["content-length"] = String(body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.length);
  }
  res.writeHead(answer.status, headers);
  res.end(method === "HEAD" ? undefined : body);
}
