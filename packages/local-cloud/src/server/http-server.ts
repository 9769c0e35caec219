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
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { AwsError } from "./aws-error.js";
import { readSignature, verifySignature } from "./sigv4.js";
import { kernelErrorResponse, protocolFamily, signatureError, unknownKeyError } from "./kernel-errors.js";
import { KEEP_ALIVE_TIMEOUT_MS, type Exchange, type HttpRequest } from "./http1-connection.js";
import { Http1Server } from "./http1-server.js";
import type { AwsRequest, AwsResponse, Principal } from "../types.js";

export { Http1Server };

export const ANONYMOUS: Principal = Object.freeze({ accessKeyId: "", arn: "anonymous", admin: false });

/** What the server needs from the cloud: kept narrow so the server stays testable. */
export interface RequestDispatcher {
  readonly region: string;
  /** Resolve an access key to its secret and principal; undefined when unknown. */
  lookupAccessKey(accessKeyId: string): { secretAccessKey: string; sessionToken?: string; principal: Principal } | undefined;
  /** The service serving a SigV4 signing name. */
  serviceFor(signingName: string): { handle(req: AwsRequest): Promise<AwsResponse> } | undefined;
  /** Local data planes under /_aws/{name}/…, e.g. execute-api. Undefined when none matches. */
  internalRoute(req: AwsRequest): Promise<AwsResponse> | undefined;
}

const EXECUTE_API_HOST = /^([a-z0-9]{10})\.execute-api\.localhost(:\d+)?$/;

/** A server on `node:net` that speaks HTTP/1.1 itself and hands unusual requests to node:http. */
export function createHttpServer(dispatcher: RequestDispatcher): Http1Server {
  const fallback = http.createServer((req, res) => serveNodeRequest(dispatcher, req, res));
  fallback.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  fallback.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return new Http1Server((exchange) => void serveExchange(dispatcher, exchange), fallback);
}

/** The fast path: the Exchange is the request, and takes the answer. */
async function serveExchange(dispatcher: RequestDispatcher, exchange: Exchange): Promise<void> {
  const requestId = randomUUID();
  try {
    exchange.respond(await answerRequest(dispatcher, exchange, requestId));
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
function serveNodeRequest(dispatcher: RequestDispatcher, req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("error", () => res.destroy());
  req.on("end", () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const request: HttpRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: collectHeaders(req), body };
    const requestId = randomUUID();
    answerRequest(dispatcher, request, requestId)
      .then((answer) => send(res, request.method, answer))
      .catch((err) => {
        console.error("[local-cloud] unexpected error", err);
        send(res, request.method, internalFailure(requestId));
      })
      .catch(() => res.destroy());
  });
}

function collectHeaders(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const prev = headers[name];
    headers[name] = typeof prev === "string" ? `${prev},${value}` : value;
  }
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
async function answerRequest(dispatcher: RequestDispatcher, req: HttpRequest, requestId: string): Promise<AwsResponse> {
  try {
    const answer = await serve(dispatcher, req, requestId);
    const headers = answer.headers ?? (answer.headers = {});
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
 */
async function serve(dispatcher: RequestDispatcher, req: HttpRequest, requestId: string): Promise<AwsResponse> {
  const url = req.url;
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  const headers = req.headers;
  const awsReq: AwsRequest = {
    requestId,
    method: req.method,
    path,
    query,
    headers,
    body: req.body,
    service: "",
    region: dispatcher.region,
    principal: ANONYMOUS,
  };

  const host = headers.host ?? "";
  if (path.startsWith("/_aws/") || path.startsWith("/_console") || (host.includes(".execute-api.") && EXECUTE_API_HOST.test(host)) || host.includes(".cloudfront.localhost")) {
    const internal = dispatcher.internalRoute(awsReq);
    if (internal) return internal;
  }

  const sig = readSignature(headers, query);
  let service = "s3"; // Unsigned requests are S3's: browsers, CORS preflights, public objects.
  if (sig && "malformed" in sig) {
    const family = protocolFamily(headers.authorization?.includes("/s3/") ? "s3" : "", headers);
    return kernelErrorResponse(signatureError({ kind: "malformed", message: sig.malformed }, family), family, awsReq.requestId);
  }
  if (!sig && headers["x-amz-target"]) {
    // An unsigned call to a JSON-protocol API: AWS refuses it before looking further.
    const err = new AwsError("MissingAuthenticationTokenException", "Request is missing Authentication Token", 400);
    return kernelErrorResponse(err, "json", awsReq.requestId);
  }
  if (sig) {
    service = sig.service;
    const family = protocolFamily(service, headers);
    const key = dispatcher.lookupAccessKey(sig.accessKeyId);
    if (!key) return kernelErrorResponse(unknownKeyError(family), family, awsReq.requestId);
    const problem = verifySignature(sig, key.secretAccessKey, awsReq);
    if (problem) return kernelErrorResponse(signatureError(problem, family), family, awsReq.requestId);
    if (key.sessionToken !== undefined && sig.securityToken !== key.sessionToken) {
      return kernelErrorResponse(unknownKeyError(family), family, awsReq.requestId);
    }
    awsReq.principal = key.principal;
    awsReq.region = sig.region;
  }
  awsReq.service = service;
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

/** Write an answer through node:http (handed-off sockets only). */
function send(res: http.ServerResponse, method: string, answer: AwsResponse): void {
  const headers = answer.headers ?? {};
  const body = answer.body;
  if (body instanceof Readable) {
    res.writeHead(answer.status, headers);
    if (method === "HEAD") {
      body.destroy();
      res.end();
      return;
    }
    body.on("error", () => res.destroy());
    body.pipe(res);
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
