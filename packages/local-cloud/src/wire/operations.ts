/**
 * How a service declares its operations once: each operation's IAM action and resource
 * and its implementation, beside the input shape its generated model gives. The
 * declaration drives the wire (a codec per protocol), the in-process `call()` and
 * validation, in AWS's order (host.ts).
 */
import type { AwsError } from "../server/aws-error.js";
import type { CallContext } from "../types.js";
import type { Codec, CodecErrors } from "./codec.js";
import type { Violation } from "./constraints.js";
import type { JsonCodecOptions } from "./codecs/json.js";
import type { QueryCodecOptions } from "./codecs/query.js";
import type { RestJsonCodecOptions } from "./codecs/rest-json.js";
import type { RestXmlCodecOptions } from "./codecs/rest-xml.js";
import type { ServiceModel } from "./model.js";
import type { InputOf, OperationName } from "./model-types.js";
import type { ShapeRules, Shapes } from "./shapes.js";

/** One IAM check: `action` on every resource. */
export interface Authorization {
  action: string;
  resource: string | readonly string[];
  /** Condition keys the service knows about the resource (`aws:ResourceTag/<key>`). */
  conditions?: Record<string, string>;
}

export type Authorize<C, I> = (input: I, ctx: C) => Authorization | readonly Authorization[];

export interface OperationSpec<C, I = any, O = any> {
  /**
   * The IAM check, made once the input is valid and before the implementation runs.
   * "self": the implementation checks (its resource is only known after a lookup, or a
   * resource policy takes part); "none": AWS checks nothing (STS GetCallerIdentity).
   */
  iam: Authorize<C, I> | "self" | "none";
  /** Checks the service makes after deserializing and before constraint validation. */
  precheck?(input: I): void;
  run(input: I, ctx: C): O | Promise<O>;
}

/** The operations of one model, each typed by its input shape. */
export type OperationSpecs<M extends ServiceModel, C> = { [Op in OperationName<M>]: OperationSpec<C, InputOf<M, Op>> };

export interface ServiceErrors extends Omit<CodecErrors, "malformedValue"> {
  /** A parameter's text not of its member's type. @default the service's validation error */
  malformedValue?(message: string): AwsError;
  /**
   * Constraint violations ("ValidationException", IAM's "ValidationError", Logs'
   * "InvalidParameterException" …); `violations` for services that word some themselves.
   */
  validation(message: string, violations: readonly Violation[]): AwsError;
  /** A member of the wrong JSON type. @default SerializationException (400) */
  serialization?(message: string): AwsError;
  /** A principal IAM refuses. @default AccessDeniedException (400) */
  accessDenied?(message: string): AwsError;
  /** An exception the implementation did not expect: the service's 500. */
  internal(err: unknown): AwsError;
}

export interface ServiceDefinition<C> {
  signingName: string;
  /** The generated models the service serves (DynamoDB serves DynamoDB and DynamoDB Streams). */
  models: readonly ServiceModel[];
  /** Where the service's front end checks differently than its model says. */
  rules?: ShapeRules;
  errors: ServiceErrors;
  /** Operations by name, across the models. */
  operations: Record<string, OperationSpec<C>>;
  /** The per-request context implementations get. */
  context(call: CallContext): C;
  /**
   * What an answer waits for once the implementation returned or threw (DynamoDB's group
   * commit): undefined when nothing is pending.
   */
  settle?(via: "wire" | "call"): Promise<void> | undefined;
  /** In-process input as the wire would have delivered it. @default blobs given as bytes become base64 text */
  inProcessInput?(input: Record<string, any>): Record<string, any>;
  /** In-process output as callers expect it (DynamoDB parses item text it kept unparsed). */
  inProcessOutput?(output: any): any;
  /**
   * The service's own codec, for a protocol it speaks with rules of its own beside the
   * model's (S3 routes a copy by a header); built from the shared codec pieces.
   */
  codec?: (model: ServiceModel, shapes: Shapes, errors: CodecErrors) => Codec;
  json?: JsonCodecOptions;
  query?: QueryCodecOptions;
  restJson?: RestJsonCodecOptions;
  restXml?: RestXmlCodecOptions;
}
