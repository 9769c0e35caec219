/**
 * awsJson 1.0 / 1.1 (DynamoDB, SQS, SSM, CloudWatch Logs, EventBridge): `POST /`, the
 * operation in `X-Amz-Target: <prefix>.<Operation>`, JSON in and out, errors as
 * `{"__type": …, "message": …}` with the code in `x-amzn-ErrorType`.
 */
import type { AwsError } from "../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../types.js";
import type { Codec, CodecErrors, DecodedRequest } from "../codec.js";
import type { ServiceModel } from "../model.js";
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from "../../limits/json-depth.js";

export interface JsonCodecOptions {
  /** The `__type` prefix of an error code (DynamoDB's depends on the layer that raised it). */
  errorTypePrefix?: (code: string) => string;
  /** Writes an output's JSON text (DynamoDB splices stored item text in unparsed). */
  serialize?: (output: any) => string;
  /** Also answer `x-amzn-query-error` (JSON services that were query services: SQS). */
  queryCompatible?: boolean;
  /** The key of an error's message (coral's own errors write "Message"). @default "message" */
  messageKey?: (code: string) => string;
  /**
   * Skip the scan that refuses bodies nested deeper than MAX_JSON_DEPTH before parsing:
   * for a service whose validation bounds every recursive member (DynamoDB's attribute
   * values), on its hot path.
   */
  depthChecked?: boolean;
}

/** JSON text of an output: Dates as epoch seconds, bytes as base64, as the protocol writes them. */
export function jsonText(output: unknown): string {
  return JSON.stringify(output ?? {}, function (this: any, key, value) {
    const raw = this[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64");
    return value;
  });
}

export class JsonCodec implements Codec {
  /** Operations by their whole X-Amz-Target value: one lookup per request. */
  private readonly byTarget = new Map<string, string>();
  private readonly contentType: string;

  constructor(
    models: ServiceModel[],
    private readonly errors: CodecErrors,
    private readonly opts: JsonCodecOptions = {},
  ) {
    for (const model of models) {
      for (const name of Object.keys(model.operations)) this.byTarget.set(`${model.metadata.targetPrefix}.${name}`, name);
    }
    this.contentType = `application/x-amz-json-${models[0]!.metadata.jsonVersion ?? "1.0"}`;
  }

  accepts(req: AwsRequest): boolean {
    return req.headers["x-amz-target"] !== undefined;
  }

  decode(req: AwsRequest): DecodedRequest {
    const target = req.headers["x-amz-target"] ?? "";
    const operation = this.byTarget.get(target);
    if (operation === undefined) throw this.errors.unknownOperation(req, { name: target.slice(target.lastIndexOf(".") + 1) });
    return { operation, input: this.body(req) };
  }

  private body(req: AwsRequest): Record<string, any> {
    if (req.body.length === 0) return {};
    let parsed: unknown;
    try {
      const text = req.body.toString("utf8");
      // What walks the parsed body recurses: refuse runaway nesting before parsing it.
      if (!this.opts.depthChecked && jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) throw new Error("too deep");
      parsed = JSON.parse(text);
    } catch {
      throw this.errors.malformedBody("Start of structure or map found where not expected.");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw this.errors.malformedBody("Start of structure or map found where not expected.");
    return parsed as Record<string, any>;
  }

  encode(_operation: string, output: unknown, req: AwsRequest): AwsResponse {
    const body = this.opts.serialize ? this.opts.serialize(output ?? {}) : jsonText(output);
    return { status: 200, headers: { "content-type": this.contentType, "x-amzn-requestid": req.requestId }, body };
  }

  encodeError(err: AwsError, req: AwsRequest): AwsResponse {
    const headers: Record<string, string> = { "content-type": this.contentType, "x-amzn-errortype": err.code, "x-amzn-requestid": req.requestId };
    if (this.opts.queryCompatible) {
      const queryCode = typeof err.extra.queryErrorCode === "string" ? err.extra.queryErrorCode : err.code;
      headers["x-amzn-query-error"] = `${queryCode};${err.fault}`;
    }
    const { queryErrorCode: _query, ...extra } = err.extra;
    const body = { __type: `${this.opts.errorTypePrefix?.(err.code) ?? ""}${err.code}`, [this.opts.messageKey?.(err.code) ?? "message"]: err.message, ...extra };
    return { status: err.status, headers, body: JSON.stringify(body) };
  }
}
