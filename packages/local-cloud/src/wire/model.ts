/**
 * The shape of a generated service model (src/wire/models/<name>.ts): the parts of AWS's
 * published API model (botocore's service-2.json) that the wire layer needs, for the
 * operations the local cloud implements. scripts/generate-aws-models.ts writes them; the
 * codecs read them to decode requests and encode answers, and validate.ts compiles them
 * into input validators.
 *
 * Members are written compactly: `"TableName": "TableArn"` when a member has no traits
 * other than its shape, otherwise `{ shape, ...traits }`.
 */

export type Protocol = "json" | "query" | "rest-json" | "rest-xml";

export interface ModelMetadata {
  protocol: Protocol;
  apiVersion: string;
  /** SigV4 signing name. */
  signingName: string;
  /** awsJson: "1.0" or "1.1" (the content type application/x-amz-json-<v>). */
  jsonVersion?: string;
  /** awsJson: the X-Amz-Target prefix ("DynamoDB_20120810"). */
  targetPrefix?: string;
  /** query / rest-xml: the namespace of answers. */
  xmlNamespace?: string;
  /** A JSON service that also answers the older query protocol (SQS). */
  awsQueryCompatible?: boolean;
}

export interface MemberTraits {
  shape: string;
  /** rest protocols: where the member travels (absent: the body). */
  location?: "uri" | "querystring" | "header" | "headers" | "statusCode";
  /** The name on the wire (header name, query key, XML element, JSON key in rest-json). */
  locationName?: string;
  flattened?: boolean;
  xmlAttribute?: boolean;
  xmlNamespace?: { readonly prefix?: string; readonly uri: string };
  /** A header holding JSON text (base64-encoded). */
  jsonvalue?: boolean;
  timestampFormat?: "iso8601" | "rfc822" | "unixTimestamp";
  idempotencyToken?: boolean;
}

export type Member = string | MemberTraits;

interface BaseShape {
  /** Shape-level XML element name (query/rest-xml lists and maps). */
  locationName?: string;
}

export interface StructureShape extends BaseShape {
  type: "structure";
  members: { readonly [name: string]: Member };
  required?: readonly string[];
  /** rest protocols: the member that is the whole body. */
  payload?: string;
  /** A union: exactly one member set. */
  union?: boolean;
  /** A document type: any JSON. */
  document?: boolean;
}

export interface ListShape extends BaseShape {
  type: "list";
  member: Member;
  min?: number;
  max?: number;
  flattened?: boolean;
}

export interface MapShape extends BaseShape {
  type: "map";
  key: Member;
  value: Member;
  min?: number;
  max?: number;
  flattened?: boolean;
}

export interface StringShape extends BaseShape {
  type: "string";
  min?: number;
  max?: number;
  pattern?: string;
  enum?: readonly string[];
}

export interface NumberShape extends BaseShape {
  type: "integer" | "long" | "double" | "float";
  min?: number;
  max?: number;
}

export interface BooleanShape extends BaseShape {
  type: "boolean";
}

export interface BlobShape extends BaseShape {
  type: "blob";
  min?: number;
  max?: number;
  /** The body as a stream (S3 objects, Lambda payloads). */
  streaming?: boolean;
}

export interface TimestampShape extends BaseShape {
  type: "timestamp";
  timestampFormat?: "iso8601" | "rfc822" | "unixTimestamp";
}

export type Shape = StructureShape | ListShape | MapShape | StringShape | NumberShape | BooleanShape | BlobShape | TimestampShape;

export interface OperationModel {
  /** The input structure's name (absent: no input). */
  input?: string;
  output?: string;
  /** rest protocols. */
  http?: { method: string; requestUri: string; responseCode?: number };
  /** query protocol: the element the output is wrapped in (`<CreateQueueResult>`). */
  resultWrapper?: string;
}

export interface ServiceModel {
  metadata: ModelMetadata;
  operations: { readonly [name: string]: OperationModel };
  shapes: { readonly [name: string]: Shape };
}

export function memberTraits(member: Member): MemberTraits {
  return typeof member === "string" ? { shape: member } : member;
}
