/**
 * The one HTTP entry point: reads a request, authenticates it (SigV4), picks the
 * service from the credential scope and hands it over. Paths under `/_aws/` are the
 * local cloud's own data planes (API Gateway execute-api, CloudFormation custom
 * resource responses), reached without a signature, as on AWS.
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { AwsError } from "./aws-error.js";
import { readSignature, verifySignature } from "./sigv4.js";
import { kernelErrorResponse, protocolFamily, signatureError, unknownKeyError } from "./kernel-errors.js";
import type { AwsRequest, AwsResponse, Principal } from "../types.js";

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

export function createHttpServer(dispatcher: RequestDispatcher): http.Server {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const requestId = randomUUID();
      serve(dispatcher, req, body, requestId)
        .then((answer) => send(res, req.method ?? "GET", answer, requestId))
        .catch((err) => {
          console.error("[local-cloud] unexpected error", err);
          send(
            res,
            req.method ?? "GET",
            { status: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "InternalFailure" }) },
            requestId,
          );
        });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

function collectHeaders(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

async function serve(
  dispatcher: RequestDispatcher,
  req: http.IncomingMessage,
  body: Buffer,
  requestId: string,
): Promise<AwsResponse> {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  const headers = collectHeaders(req);
  const awsReq: AwsRequest = {
    requestId,
    method: req.method ?? "GET",
    path,
    query,
    headers,
    body,
    service: "",
    region: dispatcher.region,
    principal: ANONYMOUS,
  };

  const host = headers.host ?? "";
  if (path.startsWith("/_aws/") || path.startsWith("/_console") || EXECUTE_API_HOST.test(host)) {
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

function send(res: http.ServerResponse, method: string, answer: AwsResponse, requestId: string): void {
  const headers = answer.headers ?? {};
  const body = answer.body;
  if (!("x-amzn-requestid" in headers) && !("x-amz-request-id" in headers)) {
    headers["x-amzn-requestid"] = requestId;
  }
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
