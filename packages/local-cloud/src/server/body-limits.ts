/**
 * How large a request body each service takes, known from the request head alone, so a
 * body over the limit is refused before it is read (the HTTP layer holds a body in
 * memory until it is complete: a 300 MB DynamoDB request used to grow the process by a
 * gigabyte before its 400). Each limit is the largest request AWS documents for the
 * service (with room for the protocol's encoding where the documented figure is of the
 * content); finer per-operation limits stay with the services.
 */
import { escapeXml } from "./xml.js";
import type { BodyLimit, HttpAnswer } from "./http1-connection.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Bodies up to this size are never checked: every service takes them. Keeps the check off the hot path. */
export const ALWAYS_ACCEPTED_BODY = 1 * MiB;

/** By SigV4 signing name: the largest request AWS documents, and the figure's source. */
const SERVICE_LIMITS: Record<string, number> = {
  // PutObject, UploadPart and POST Object take up to 5 GiB.
  s3: 5 * GiB,
  // CreateFunction / UpdateFunctionCode with an inline zip: "Request must be smaller than 69905067 bytes".
  lambda: 69_905_067,
  // DynamoDB's HTTP request limit (BatchWriteItem and friends): 16 MiB.
  dynamodb: 16 * MiB,
  // SQS messages and batches: 1 MiB of content, up to three times that form-encoded (Query protocol).
  sqs: 4 * MiB,
  // PutLogEvents batches: 1 MiB of events, plus JSON framing.
  logs: 2 * MiB,
  // PutRecord(s): up to 10 MiB of record (a stream's largest MaxRecordSizeInKiB), base64 in JSON.
  kinesis: 14 * MiB,
  // PutEvents: 1 MiB of entries, plus JSON escaping.
  events: 2 * MiB,
  // HTTP API management (ImportApi bodies).
  apigateway: 10 * MiB,
};

/** The local data planes, by the path segment after /_aws/. */
const PLANE_LIMITS: Record<string, number> = {
  // HTTP APIs take payloads up to 10 MB.
  "execute-api": 10 * MiB,
  // Function URLs: Lambda's 6 MB synchronous invoke payload.
  "lambda-url": 6 * MiB,
};

const EXECUTE_API_HOST = /^[a-z0-9]{10}\.execute-api\.localhost(:\d+)?$/;

/** The limit for a request, from its method, target (path and query) and headers. */
export function bodyLimitFor(url: string, headers: Record<string, string>): BodyLimit {
  if (url.startsWith("/_aws/") || EXECUTE_API_HOST.test(headers.host ?? "")) {
    const limit = PLANE_LIMITS[url.startsWith("/_aws/") ? planeOf(url) : "execute-api"] ?? ALWAYS_ACCEPTED_BODY;
    return { limit, refuse: () => jsonAnswer(413, { message: "Request Entity Too Large" }) };
  }
  const service = signingNameOf(url, headers);
  // An unsigned body is S3's (anonymous uploads, POST forms), unless it names a JSON API,
  // which will refuse it anyway.
  const limit = service === "s3" && headers["x-amz-target"] !== undefined ? ALWAYS_ACCEPTED_BODY : (SERVICE_LIMITS[service] ?? ALWAYS_ACCEPTED_BODY);
  return { limit, refuse: (size) => refusal(service, headers, limit, size) };
}

/** "execute-api" from "/_aws/execute-api/abc/…". */
function planeOf(url: string): string {
  const end = url.indexOf("/", 6);
  return url.slice(6, end < 0 ? url.length : end);
}

/** The signing name from the Authorization header or a presigned URL's X-Amz-Credential; unsigned requests are S3's. */
export function signingNameOf(url: string, headers: Record<string, string>): string {
  const credential = headers.authorization ?? credentialInQuery(url);
  if (credential === undefined) return "s3";
  const scope = /\/\d{8}\/[^/]*\/([^/]+)\/aws4_request/.exec(credential);
  return scope ? scope[1]! : "";
}

function credentialInQuery(url: string): string | undefined {
  const at = url.indexOf("X-Amz-Credential=");
  if (at < 0) return undefined;
  const end = url.indexOf("&", at);
  try {
    return decodeURIComponent(url.slice(at + 17, end < 0 ? url.length : end));
  } catch {
    return undefined;
  }
}

function refusal(service: string, headers: Record<string, string>, limit: number, size: number): HttpAnswer {
  if (service === "s3") {
    return {
      status: 400,
      headers: { "content-type": "application/xml" },
      body:
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message>` +
        `<ProposedSize>${size}</ProposedSize><MaxSizeAllowed>${limit}</MaxSizeAllowed></Error>`,
    };
  }
  // DynamoDB answers an oversize request with a bare 413 (as dynalite recorded it).
  if (service === "dynamodb") return { status: 413, headers: {}, body: "" };
  if (service === "lambda") {
    return {
      status: 413,
      headers: { "content-type": "application/json", "x-amzn-errortype": "RequestTooLargeException" },
      body: JSON.stringify({ Type: "User", message: `Request must be smaller than ${limit} bytes` }),
    };
  }
  if (headers["x-amz-target"] !== undefined || service === "apigateway") {
    return jsonAnswer(413, { __type: "RequestEntityTooLargeException", message: `Request must be smaller than ${limit} bytes` });
  }
  return {
    status: 413,
    headers: { "content-type": "text/xml" },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code>` +
      `<Message>${escapeXml(`Request must be smaller than ${limit} bytes`)}</Message></Error></ErrorResponse>`,
  };
}

function jsonAnswer(status: number, body: unknown): HttpAnswer {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
