/**
 * The contract between the engine and the code that provisions one resource type.
 * Providers drive the local services in-process (`cloud.<service>.call(Op, input)`)
 * with AWS SDK v3 input shapes, exactly as CloudFormation drives the real APIs.
 */
import { randomBytes } from "node:crypto";
import { forwardedKernel } from "../kernel/forwarded.js";
import type { Kernel } from "../kernel/kernel.js";
import type { CallContext } from "../types.js";

/** The parts of LocalCloud the engine and providers use (structural, so tests can fake it). */
export interface ServiceLike {
  call(operation: string, input: any, ctx?: any): Promise<any>;
}
export interface CloudLike {
  readonly region: string;
  readonly accountId: string;
  readonly endpoint: string;
  openDatabase(name: string): import("better-sqlite3").Database;
  dataDir?(name: string): string;
  authorize?(ctx: any, action: string, resources: string | string[], deny?: (m: string) => Error): void;
  readonly events?: import("node:events").EventEmitter;
  readonly [service: string]: any;
}

export interface ProviderContext {
  cloud: CloudLike;
  stackName: string;
  stackId: string;
  logicalId: string;
  resourceType: string;
  region: string;
  accountId: string;
  /** The resource's `Metadata` (CDK puts `aws:cdk:path` there). */
  metadata?: Record<string, unknown>;
  /** A name as CloudFormation generates it when the template gives none. */
  physicalName(opts?: { maxLength?: number; lowercase?: boolean; separator?: string }): string;
  /** The resource's properties as the template writes them (intrinsics unresolved). */
  templateProperties?: Record<string, unknown>;
  /** Resolve a template value (intrinsics and references) as the engine does. */
  resolveValue?(value: unknown): unknown;
  /** Log a line into the resource's stack event reason (e.g. a custom resource's progress). */
  log?(message: string): void;
}

export interface CreateResult {
  physicalId: string;
  attributes?: Record<string, unknown>;
}

export interface ResourceProvider {
  create(props: Record<string, any>, ctx: ProviderContext): Promise<CreateResult>;
  /** Update in place and return the new attributes, or "replace" when the change cannot be made in place. */
  update?(physicalId: string, props: Record<string, any>, oldProps: Record<string, any>, ctx: ProviderContext, oldAttributes: Record<string, unknown>): Promise<Record<string, unknown> | "replace" | NewPhysicalResource>;
  delete(physicalId: string, props: Record<string, any>, ctx: ProviderContext, attributes: Record<string, unknown>): Promise<void>;
  /** Properties whose change needs a new physical resource (AWS's "Update requires: Replacement"). */
  replacementProps?: string[];
  /**
   * The property that names the resource. Replacing a resource whose name the template
   * fixes is impossible (the new one would clash with the old), as CloudFormation says.
   */
  nameProperty?: string;
  /** Attributes Fn::GetAtt may ask for; undefined = whatever create/update returned. */
  attributeNames?: string[];
}

/**
 * What an update returns when it produced a different physical resource itself (a
 * custom resource answering an Update with a new PhysicalResourceId): the engine then
 * deletes the old one in the cleanup phase, as CloudFormation does.
 */
export class NewPhysicalResource {
  constructor(readonly physicalId: string, readonly attributes: Record<string, unknown> = {}) {}
}

/**
 * The engine's view of a kernel: its storage, identity and events, and every service by
 * name (`cloud.lambda.call(…)`) through the kernel's typed clients.
 */
export function cloudOfKernel(kernel: Kernel): CloudLike {
  const rest = {
    ...kernel.clients,
    authorize: (ctx: CallContext, action: string, resources: string | string[], deny?: (m: string) => Error) => kernel.authorize(ctx, action, resources, deny as never),
  };
  return Object.assign(forwardedKernel(kernel), rest);
}

/** The in-process API of a local service, with a clear error when it is not part of this cloud. */
export function service(ctx: ProviderContext, name: string): ServiceLike {
  const s = ctx.cloud[name];
  if (!s || typeof s.call !== "function") {
    throw new Error(`${ctx.resourceType} ${ctx.logicalId}: the local cloud has no ${name} service`);
  }
  return s;
}

/**
 * Calls for optional settings (point-in-time recovery, encryption, tags ...): when the
 * local service does not implement the operation, the setting is recorded only.
 */
export async function optionalCall(svc: ServiceLike, operation: string, input: unknown): Promise<any> {
  try {
    return await svc.call(operation, input);
  } catch (e) {
    if (isErrorCode(e, "UnknownOperationException", "InvalidAction", "NotImplemented", "UnsupportedOperation", "UnknownOperation")) return undefined;
    throw e;
  }
}

/** Drop undefined values so SDK-shaped inputs stay clean. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** 12-13 random characters, as CloudFormation appends to generated names. */
export function randomSuffix(length = 13): string {
  const bytes = randomBytes(length);
  return [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

/**
 * `{stack}-{logicalId}-{RANDOM}`, trimmed to maxLength the way CloudFormation trims:
 * the stack and logical id parts are shortened, the random suffix is kept.
 */
export function generatePhysicalName(stackName: string, logicalId: string, opts: { maxLength?: number; lowercase?: boolean; separator?: string } = {}): string {
  const max = opts.maxLength ?? 255;
  const sep = opts.separator ?? "-";
  const suffix = randomSuffix(max < 40 ? 8 : 13);
  let stack = stackName, id = logicalId;
  const budget = max - suffix.length - 2 * sep.length;
  if (stack.length + id.length > budget) {
    const half = Math.floor(budget / 2);
    if (stack.length > half && id.length > budget - half) {
      stack = stack.slice(0, half);
      id = id.slice(0, budget - half);
    } else if (stack.length > half) {
      stack = stack.slice(0, budget - id.length);
    } else {
      id = id.slice(0, budget - stack.length);
    }
  }
  const name = `${stack}${sep}${id}${sep}${suffix}`;
  return opts.lowercase ? name.toLowerCase() : name;
}

/** AWS's arn for a resource in the local account. */
export function arn(ctx: { region: string; accountId: string }, service: string, resource: string, global = false): string {
  return `arn:aws:${service}:${global ? "" : ctx.region}:${ctx.accountId}:${resource}`;
}

/** CloudFormation tags are [{Key, Value}]; some APIs want a map. */
export function tagMap(tags: unknown): Record<string, string> | undefined {
  if (!Array.isArray(tags) || tags.length === 0) return undefined;
  return Object.fromEntries(tags.map((t: any) => [String(t.Key), String(t.Value)]));
}

/** Whether an AwsError-like error has one of these codes. */
export function isErrorCode(e: unknown, ...codes: string[]): boolean {
  const code = (e as any)?.code ?? (e as any)?.name;
  return typeof code === "string" && codes.includes(code);
}

/** Ignore "already gone" on delete: CloudFormation treats a missing resource as deleted. */
export async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (isErrorCode(e, "ResourceNotFoundException", "NoSuchEntity", "NoSuchBucket", "NoSuchKey", "ParameterNotFound",
      "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "NotFoundException", "NoSuchEntityException")) return;
    throw e;
  }
}
