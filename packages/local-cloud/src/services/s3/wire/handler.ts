/**
 * One S3 HTTP request end to end: read it, answer CORS preflights, route to an
 * operation, decode input, run it as the signing principal, encode the answer. Every
 * failure becomes S3's XML error; nothing a client sends can crash the server.
 */
import { AwsError } from "../../../server/aws-error.js";
import type { AwsRequest, AwsResponse, CallContext } from "../../../types.js";
import type { S3Context } from "../context.js";
import { s3ErrorResponse } from "../errors.js";
import { runOperation } from "../operations.js";
import { actualCorsHeaders, answerPreflight } from "./cors-http.js";
import { decodeInput } from "./decode.js";
import { encodeOutput } from "./encode.js";
import { routeOperation } from "./route.js";
import { handlePostObject } from "./post-object.js";
import { readWireRequest, type WireRequest } from "./request.js";

/**
 * Nothing is answered before the writes it made, or read, are committed (writes are
 * group-committed: see store.ts). Free when nothing waits to commit.
 */
async function committed(c: S3Context): Promise<void> {
  const pending = c.store.committed();
  if (pending) await pending;
}

export async function handleS3Request(c: S3Context, req: AwsRequest): Promise<AwsResponse> {
  const ids = { "x-amz-request-id": req.requestId, "x-amz-id-2": Buffer.from(req.requestId).toString("base64") };
  let w: WireRequest | undefined;
  try {
    w = readWireRequest(req, (id) => c.cloud.lookupAccessKey?.(id, req.headers)?.secretAccessKey);
    if (w.method === "OPTIONS") {
      const res = answerPreflight(c, w);
      return { ...res, headers: { ...res.headers, ...ids } };
    }
    const op = routeOperation(w);
    if (op === "PostObject") {
      const res = await handlePostObject(c, w);
      await committed(c);
      return { ...res, headers: { ...res.headers, ...actualCorsHeaders(c, w), ...ids } };
    }
    const input = decodeInput(op, w);
    const ctx: CallContext = { region: req.region, principal: req.principal, requestId: req.requestId };
    const output = await runOperation(c, ctx, op, input, { sourceIp: "127.0.0.1" });
    await committed(c);
    const res = encodeOutput(op, output, w.method);
    return { ...res, headers: { ...res.headers, ...actualCorsHeaders(c, w), ...ids } };
  } catch (err) {
    let error: AwsError;
    if (err instanceof AwsError) error = err;
    else {
      console.error("[local-cloud] s3: internal error", err);
      error = new AwsError("InternalError", "We encountered an internal error. Please try again.", 500);
    }
    return s3ErrorResponse(error, req.requestId, req.method.toUpperCase(), w ? actualCorsHeaders(c, w) : {});
  }
}
