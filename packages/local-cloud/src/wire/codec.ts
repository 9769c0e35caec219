/**
 * A protocol codec: it turns an HTTP request into `{ operation, input }` and an
 * operation's output or error into the protocol's HTTP answer. One per AWS protocol
 * (codecs/json.ts, query.ts, rest-json.ts, rest-xml.ts), driven by the service's model;
 * services never see HTTP except where the protocol is the service itself.
 */
import type { AwsError } from "../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../types.js";

export interface DecodedRequest {
  operation: string;
  input: Record<string, any>;
}

export interface Codec {
  /** Whether the request is in this codec's protocol (a service may speak two). */
  accepts(req: AwsRequest): boolean;
  /** Throws AwsError for an unknown operation or a body the protocol cannot read. */
  decode(req: AwsRequest): DecodedRequest;
  encode(operation: string, output: unknown, req: AwsRequest): AwsResponse;
  encodeError(err: AwsError, req: AwsRequest): AwsResponse;
}

/** How a service names the errors a codec raises itself. */
export interface CodecErrors {
  /**
   * No operation matches the request: `name` is the operation it asked for (JSON, query);
   * `wrongMethod` says a REST path exists but not with the request's method.
   */
  unknownOperation(req: AwsRequest | undefined, detail: { name?: string; wrongMethod?: boolean }): AwsError;
  /** The body is not the protocol's format at all (not JSON, not XML). */
  malformedBody(message: string): AwsError;
  /** A parameter's text is not of its member's type ("abc" for an integer query parameter). */
  malformedValue(message: string): AwsError;
}
