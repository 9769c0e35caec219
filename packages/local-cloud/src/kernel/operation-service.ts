/**
 * The wiring a service whose whole API is its declared operations shares with every other:
 * one OperationHost over its generated model, with the plain call context, serving the
 * wire (`handle`) and in-process callers (`call`), and — for an API whose users call some
 * operations before they have credentials (Cognito) — the X-Amz-Target values the server
 * routes to it unsigned: those of the operations declared `iam: "none"`.
 *
 * Services with a context or codec options of their own (DynamoDB's request environment
 * and group commit, Kinesis's per-call authorizer) build their OperationHost themselves.
 */
import type { AwsRequest, AwsResponse, CallContext, UnsignedRequests } from "../types.js";
import { OperationHost } from "../wire/host.js";
import type { ServiceModel } from "../wire/model.js";
import type { OperationSpecs, ServiceDefinition } from "../wire/operations.js";
import type { Kernel } from "./kernel.js";

export interface OperationServiceDefinition<M extends ServiceModel> extends Omit<ServiceDefinition<CallContext>, "models" | "operations" | "context"> {
  model: M;
  operations: OperationSpecs<M, CallContext>;
  /**
   * The operations declared `iam: "none"` are taken unsigned, as AWS takes Cognito's
   * SignUp or GetId (STS's GetCallerIdentity is `iam: "none"` too, yet needs a signature).
   */
  publicOperationsUnsigned?: boolean;
}

export interface OperationService {
  readonly host: OperationHost<CallContext>;
  /** What the server routes to the service without a signature (Service.unsigned). */
  readonly unsigned: UnsignedRequests;
  handle(req: AwsRequest): Promise<AwsResponse>;
  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any>;
}

export function operationService<M extends ServiceModel>(kernel: Pick<Kernel, "region" | "authorize">, def: OperationServiceDefinition<M>): OperationService {
  const { model, operations, publicOperationsUnsigned, ...rest } = def;
  const host = new OperationHost<CallContext>(kernel, { ...rest, models: [model], operations, context: (ctx) => ctx });
  return {
    host,
    unsigned: { targets: publicOperationsUnsigned ? publicTargets(model, operations) : [] },
    handle: (req) => host.handle(req),
    call: (operation, input, ctx) => host.call(operation, input, ctx),
  };
}

/** `<targetPrefix>.<Operation>` of every operation declared `iam: "none"`. */
function publicTargets(model: ServiceModel, operations: Record<string, { iam: unknown }>): string[] {
  const prefix = model.metadata.targetPrefix;
  if (!prefix) throw new Error(`${model.metadata.signingName}: only an awsJson API names its operations in X-Amz-Target`);
  return Object.entries(operations)
    .filter(([, spec]) => spec.iam === "none")
    .map(([name]) => `${prefix}.${name}`);
}
