/**
 * S3's REST-XML codec: the request is read as S3 reads it (path-style or virtual-hosted
 * bucket, presigned headers, aws-chunked bodies: request.ts) and routed by S3's rules
 * (a copy is a PUT with x-amz-copy-source: route.ts); the input and the answer come
 * from the model by the shared REST-XML codec. What S3 answers unlike its model says is
 * here: the root elements of its documents, the statuses of two writes, object bodies
 * streamed with their range status, header values MIME-encoded, CORS headers on answers.
 */
import type { AwsError } from "../../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { Codec, CodecErrors, DecodedRequest } from "../../../wire/codec.js";
import { decodeRestXml, encodeRestXml } from "../../../wire/codecs/rest-xml.js";
import { outputBindings } from "../../../wire/rest-bindings.js";
import type { ServiceModel } from "../../../wire/model.js";
import type { Shapes } from "../../../wire/shapes.js";
import type { S3Context } from "../context.js";
import { s3ErrorResponse } from "../errors.js";
import type { ObjectBody } from "../ops/body.js";
import { actualCorsHeaders } from "./cors-http.js";
import { readWireRequest, type WireRequest } from "./request.js";
import { STAGED_BODY, type StagedUpload } from "../ops/received-body.js";
import { routeOperation } from "./route.js";

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** The root element of answers whose output has no payload member. */
const ROOTS: Record<string, string> = {
  ListBuckets: "ListAllMyBucketsResult",
  ListObjects: "ListBucketResult",
  ListObjectsV2: "ListBucketResult",
  ListObjectVersions: "ListVersionsResult",
  DeleteObjects: "DeleteResult",
  GetObjectTagging: "Tagging",
  GetBucketTagging: "Tagging",
  CreateMultipartUpload: "InitiateMultipartUploadResult",
  CompleteMultipartUpload: "CompleteMultipartUploadResult",
  ListParts: "ListPartsResult",
  ListMultipartUploads: "ListMultipartUploadsResult",
  GetBucketCors: "CORSConfiguration",
  GetBucketLifecycleConfiguration: "LifecycleConfiguration",
  GetBucketNotificationConfiguration: "NotificationConfiguration",
  GetBucketVersioning: "VersioningConfiguration",
  GetBucketAcl: "AccessControlPolicy",
  GetObjectAcl: "AccessControlPolicy",
};

/** Writes S3 answers 204 although its model names no status. */
const NO_CONTENT = new Set(["PutBucketPolicy", "PutBucketTagging"]);

const PLAIN_HEADER = /^[\x20-\x7e\x80-\xff\t]*$/;

/** Header values must be latin1 without control characters; S3 MIME-encodes the rest (RFC 2047). */
export function headerValue(v: string): string {
  return PLAIN_HEADER.test(v) ? v : `=?UTF-8?B?${Buffer.from(v, "utf8").toString("base64")}?=`;
}

/** S3's two request ids on an answer's headers. */
export function addRequestIds(headers: Record<string, string>, requestId: string): Record<string, string> {
  headers["x-amz-request-id"] = requestId;
  headers["x-amz-id-2"] = Buffer.from(requestId).toString("base64");
  return headers;
}

/** A request as S3 read it, and the operation its route names (once known). */
interface Read {
  wire: WireRequest;
  operation?: string;
}

export class S3Codec implements Codec {
  /**
   * Each request is read and routed once: the codec's decode, the service's own routes
   * and the answer share it. Kept until the service forgets the request (a strong map:
   * a WeakMap keyed by short-lived requests costs the garbage collector more).
   */
  private readonly reads = new Map<AwsRequest, Read>();

  constructor(
    private readonly c: S3Context,
    private readonly model: ServiceModel,
    private readonly shapes: Shapes,
    private readonly errors: CodecErrors,
  ) {}

  /** The request as S3 reads it (throws S3's errors for bad framing, hashes or addresses). */
  read(req: AwsRequest): WireRequest {
    return this.readOf(req).wire;
  }

  /** The operation S3's routing rules make of the request. */
  route(req: AwsRequest): string {
    const read = this.readOf(req);
    return (read.operation ??= routeOperation(read.wire));
  }

  /** The request has been answered. */
  forget(req: AwsRequest): void {
    this.reads.delete(req);
  }

  /** The secret of an access key, to check signed aws-chunked framing. */
  readonly secretOf = (req: AwsRequest) => (id: string) => this.c.cloud.lookupAccessKey?.(id, req.headers)?.secretAccessKey;

  /**
   * A request whose body was streamed to a file (index.ts): read with it. Only PutObject
   * and UploadPart store a staged file as it is; any other operation gets its bytes.
   */
  readStaged(req: AwsRequest, staged: StagedUpload): void {
    const read: Read = { wire: readWireRequest(req, this.secretOf(req), staged) };
    this.reads.set(req, read);
    read.operation = routeOperation(read.wire);
    if (read.operation !== "PutObject" && read.operation !== "UploadPart") {
      read.wire.body = staged.readAll();
      read.wire.staged = undefined;
    }
  }

  private readOf(req: AwsRequest): Read {
    let read = this.reads.get(req);
    if (!read) {
      read = { wire: readWireRequest(req, this.secretOf(req)) };
      this.reads.set(req, read);
    }
    return read;
  }

  accepts(): boolean {
    return true;
  }

  decode(req: AwsRequest): DecodedRequest {
    const w = this.read(req);
    const operation = this.route(req);
    const op = this.model.operations[operation];
    if (!op) throw this.errors.unknownOperation(req, { name: operation });
    const labels: Record<string, string> = {};
    if (w.bucket !== undefined) labels.Bucket = w.bucket;
    if (w.key !== undefined) labels.Key = w.key;
    const input = decodeRestXml(this.shapes, op, { method: w.method, path: req.path, query: w.query, headers: w.headers, body: w.body }, labels, this.errors);
    if (w.staged) (input as Record<symbol, unknown>)[STAGED_BODY] = w.staged;
    if (input.ContentEncoding !== undefined) {
      // aws-chunked is transfer framing, not part of the object's stored encoding.
      const kept = String(input.ContentEncoding)
        .split(",")
        .map((e) => e.trim())
        .filter((e) => e && e !== "aws-chunked");
      if (kept.length) input.ContentEncoding = kept.join(",");
      else delete input.ContentEncoding;
    }
    return { operation, input };
  }

  encode(operation: string, output: unknown, req: AwsRequest): AwsResponse {
    const w = this.read(req);
    const res = this.answer(operation, output as Record<string, any>, w.method);
    const headers = res.headers as Record<string, string>;
    for (const k in headers) {
      const v = headers[k]!;
      if (!PLAIN_HEADER.test(v)) headers[k] = headerValue(v);
    }
    if (w.headers.origin !== undefined) Object.assign(headers, actualCorsHeaders(this.c, w));
    addRequestIds(headers, req.requestId);
    return res;
  }

  private answer(operation: string, output: Record<string, any>, method: string): AwsResponse {
    const op = this.model.operations[operation]!;
    switch (operation) {
      case "GetObject": {
        // The body streams from its file; a range answers 206.
        const { output: meta, body } = output as { output: Record<string, unknown>; body: ObjectBody };
        // The bound headers only (the payload is the body itself).
        const { headers } = outputBindings(this.shapes, op.output, meta);
        headers["content-length"] = String(body.length);
        const status = meta.ContentRange ? 206 : 200;
        if (method === "HEAD" || body.length === 0) {
          body.close();
          return { status, headers, body: Buffer.alloc(0) };
        }
        return { status, headers, body: body.forHttp() };
      }
      case "GetBucketLocation":
        return {
          status: 200,
          headers: { "content-type": "application/xml" },
          body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${output.LocationConstraint ?? ""}</LocationConstraint>`,
        };
      case "GetBucketPolicy":
        return { status: 200, headers: { "content-type": "application/json" }, body: output.Policy };
      default:
        return encodeRestXml(this.shapes, op, output ?? {}, { root: ROOTS[operation], xmlns: S3_XMLNS, status: NO_CONTENT.has(operation) ? 204 : undefined });
    }
  }

  encodeError(err: AwsError, req: AwsRequest): AwsResponse {
    const w = this.reads.get(req)?.wire;
    return s3ErrorResponse(err, req.requestId, req.method.toUpperCase(), w ? actualCorsHeaders(this.c, w) : {});
  }
}
