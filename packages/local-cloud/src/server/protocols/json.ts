/**
 * The awsJson1_0 / awsJson1_1 protocols (DynamoDB, SSM, SQS, CloudWatch Logs …):
 * POST /, the operation in X-Amz-Target, JSON in and out, errors as `__type`.
 */
import { AwsError } from "../aws-error.js";
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from "../../limits/json-depth.js";
import type { AwsRequest, AwsResponse } from "../../types.js";

export function jsonTarget(req: AwsRequest): { prefix: string; operation: string } {
  const target = req.headers["x-amz-target"] ?? "";
  const dot = target.lastIndexOf(".");
  if (dot < 0) throw new AwsError("UnknownOperationException", "", 400);
  return { prefix: target.slice(0, dot), operation: target.slice(dot + 1) };
}

/**
 * The request body as a JSON object, or SerializationException. Bodies nested deeper than
 * MAX_JSON_DEPTH are refused before parsing (what walks them later recurses); a service
 * whose own validation bounds every nested member may skip that scan (`depthChecked`).
 */
export function parseJsonBody(req: AwsRequest, opts: { depthChecked?: boolean } = {}): any {
  if (req.body.length === 0) return {};
  try {
    const text = req.body.toString("utf8");
    if (!opts.depthChecked && jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) throw new Error("too deep");
    const parsed = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error("not an object");
    }
    return parsed;
  } catch {
    throw new AwsError("SerializationException", "Start of structure or map found where not expected.", 400);
  }
}

export function jsonResponse(
  body: unknown,
  contentType = "application/x-amz-json-1.0",
  headers: Record<string, string> = {},
): AwsResponse {
  const text = JSON.stringify(body ?? {});
  return { status: 200, headers: { "content-type": contentType, ...headers }, body: text };
}

export function jsonErrorResponse(
  err: AwsError,
  opts: { typePrefix?: string; contentType?: string; queryCompatible?: boolean } = {},
): AwsResponse {
  const headers: Record<string, string> = {
    "content-type": opts.contentType ?? "application/x-amz-json-1.0",
    "x-amzn-errortype": err.code,
  };
  if (opts.queryCompatible) {
    const queryCode = typeof err.extra.queryErrorCode === "string" ? err.extra.queryErrorCode : err.code;
    headers["x-amzn-query-error"] = `${queryCode};${err.fault}`;
  }
  const { queryErrorCode: _ignored, ...extra } = err.extra;
  const body = { __type: `${opts.typePrefix ?? ""}${err.code}`, message: err.message, ...extra };
  return { status: err.status, headers, body: JSON.stringify(body) };
}
