/**
 * SST's Function: an aws-lambda Function built from a handler path. In "deploy" mode
 * it is bundled at synth into `.sst/artifacts/<id>/`; in "dev" and "remove" mode the
 * code is a stub and the definition is recorded for the dev loop, which runs it from
 * source (SST_FUNCTION_ID tells the two apart).
 */
import path from "node:path";
import fs from "node:fs";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import { toCdkDuration, toMB, type SSTDuration, type SSTSize } from "./util/duration.js";
import {
  SST_CONSTRUCT, bindingEnvironment, bindingStatements, isSSTConstruct,
  type BindingProps, type SSTConstruct,
} from "./util/binding.js";
import { attachPermissionsToRole, type Permissions, type BindingResource } from "./util/permission.js";
import type { NodeJSProps, CopyFile, FunctionDefinitionRecord } from "../build/types.js";
import { findHandler } from "../build/handler.js";
import { bundleFunctionSync, nodeTarget } from "../build/bundle.js";
import { bridgeNames, INCREASE_TIMEOUT_CONTEXT, LIVE_LAMBDA_CONTEXT, REQUEST_QUEUE_ENV, stubPolicyStatements } from "../dev/bridge/names.js";
import { liveLambdaStubDir, STUB_HANDLER } from "../dev/bridge/stub-asset.js";

export type { NodeJSProps, CopyFile, FunctionDefinitionRecord };

export type Runtime = "nodejs16.x" | "nodejs18.x" | "nodejs20.x" | "nodejs22.x" | (string & {});

export interface FunctionUrlProps {
  authorizer?: "none" | "iam";
  cors?: boolean | {
    allowCredentials?: boolean; allowHeaders?: string[]; allowMethods?: string[];
    allowOrigins?: string[]; exposeHeaders?: string[]; maxAge?: SSTDuration;
  };
}

export interface FunctionNameProps { stack: Stack; functionProps: FunctionProps; }

export interface FunctionProps {
  handler?: string;
  runtime?: Runtime;
  timeout?: SSTDuration;
  memorySize?: SSTSize;
  diskSize?: SSTSize;
  environment?: Record<string, string>;
  bind?: BindingResource[];
  permissions?: Permissions;
  nodejs?: NodeJSProps;
  copyFiles?: CopyFile[];
  functionName?: string | ((props: FunctionNameProps) => string);
  description?: string;
  architecture?: "x86_64" | "arm_64";
  logRetention?: Lowercase<keyof typeof logs.RetentionDays> | logs.RetentionDays;
  url?: boolean | FunctionUrlProps;
  layers?: (string | lambda.ILayerVersion)[];
  tracing?: "active" | "pass_through" | "disabled";
  role?: iam.IRole;
  reservedConcurrentExecutions?: number;
  events?: never;
  cdk?: { id?: string };
}

export type FunctionDefinition = string | Function | FunctionProps;

export const DEFAULT_RUNTIME = "nodejs22.x";
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_MEMORY_MB = 1024;

const FUNCTION_MARK = Symbol.for("sst.Function");
const STUB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../support/dev-stub");

export class Function extends lambda.Function implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Function";
  readonly _isLiveDevEnabled: boolean;
  /** The SST_FUNCTION_ID and the key of this function's definition record. */
  readonly functionId: string;
  readonly handlerPath: string;
  private functionUrl?: lambda.FunctionUrl;
  private readonly allBindings: BindingResource[] = [];

  static isFunction(x: unknown): x is Function {
    return !!x && typeof x === "object" && (x as any)[FUNCTION_MARK] === true;
  }

  constructor(scope: Construct, id: string, propsIn: FunctionProps) {
    const app = App.of(scope);
    const stack = cdk.Stack.of(scope);
    const defaults = Stack.isSSTStack(stack) ? stack.resolvedDefaultFunctionProps() : [];
    const props = [...defaults, propsIn].reduce<FunctionProps>((acc, p) => Function.mergeProps(acc, p), {});
    if (!props.handler) throw new Error(`No handler defined for the "${id}" Function`);
    const runtime = props.runtime ?? DEFAULT_RUNTIME;
    nodeTarget(runtime); // throws for non-Node runtimes
    const found = findHandler(app.appPath, props.handler);
    // Removing a stage must work even when handler files are gone.
    if (!found.file && app.mode !== "remove") {
      throw new Error(
        `Function "${id}": cannot find the handler file for "${props.handler}". Tried:\n` +
          found.tried.map((t) => `  ${t}`).join("\n"),
      );
    }
    const functionId = addrOf(scope, id);
    const record: FunctionDefinitionRecord = {
      id: functionId,
      handler: props.handler,
      runtime,
      nodejs: props.nodejs,
      copyFiles: props.copyFiles,
    };
    // `sst dev` on AWS: the function is a Live Lambda stub relaying to the developer's machine.
    const liveLambda = app.mode === "dev" && app.node.tryGetContext(LIVE_LAMBDA_CONTEXT) === true;
    const { code, handler } = functionCode(app, record, liveLambda);
    const timeout = liveLambda && app.node.tryGetContext(INCREASE_TIMEOUT_CONTEXT) === true ? 900 : props.timeout ?? DEFAULT_TIMEOUT_SECONDS;
    const fnName = typeof props.functionName === "function"
      ? props.functionName({ stack: stack as Stack, functionProps: props })
      : props.functionName;

    super(scope, id, {
      code,
      handler,
      runtime: new lambda.Runtime(runtime, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }),
      timeout: toCdkDuration(timeout, `timeout of the "${id}" Function`),
      memorySize: toMB(props.memorySize ?? DEFAULT_MEMORY_MB, `memorySize of the "${id}" Function`),
      ephemeralStorageSize: props.diskSize !== undefined ? cdk.Size.mebibytes(toMB(props.diskSize)) : undefined,
      functionName: fnName,
      description: props.description,
      architecture: props.architecture === "arm_64" ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      ...(props.logRetention !== undefined ? { logRetention: toRetention(props.logRetention) } : {}),
      tracing: props.tracing === "active" ? lambda.Tracing.ACTIVE
        : props.tracing === "pass_through" ? lambda.Tracing.PASS_THROUGH : undefined,
      role: props.role,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      layers: (props.layers ?? []).map((l, i) =>
        typeof l === "string" ? lambda.LayerVersion.fromLayerVersionArn(scope, `${id}Layer${i}`, l) : l),
      environment: {
        SST_APP: app.name,
        SST_STAGE: app.stage,
        SST_SSM_PREFIX: app.ssmPrefix,
        AWS_NODEJS_CONNECTION_REUSE_ENABLED: "1",
        ...(app.mode === "dev" ? { SST_FUNCTION_ID: functionId } : {}),
        ...(liveLambda ? { [REQUEST_QUEUE_ENV]: bridgeNames(app.name, app.stage).requestQueue } : {}),
        ...(props.environment ?? {}),
      },
    });
    (this as any)[FUNCTION_MARK] = true;
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.functionId = functionId;
    this.handlerPath = props.handler;
    this._isLiveDevEnabled = app.mode === "dev";
    app.functionDefinitions[functionId] = record;

    if (liveLambda) {
      const where = { partition: stack.partition, region: stack.region, account: stack.account };
      for (const st of stubPolicyStatements(bridgeNames(app.name, app.stage), where)) this.addToRolePolicy(new iam.PolicyStatement(st));
    }
    if (props.url) this.createUrl(props.url === true ? {} : props.url);
    if (props.permissions) this.attachPermissions(props.permissions);
    if (props.bind) this.bind(props.bind);
  }

  /** The function URL, when `url` is set. */
  get url(): string | undefined {
    return this.functionUrl?.url;
  }

  /** Bind SST constructs: env vars `SST_{Type}_{prop}_{id}` and exactly their IAM statements. */
  bind(constructs: BindingResource[]): void {
    for (const c of constructs) {
      if (!isSSTConstruct(c)) {
        throw new Error(`Cannot bind "${(c as any)?.node?.path ?? c}" to the "${this.id}" Function: only SST constructs can be bound`);
      }
      this.allBindings.push(c);
      for (const [k, v] of Object.entries(bindingEnvironment(c))) this.addEnvironment(k, v);
      for (const s of bindingStatements(c)) this.addToRolePolicy(s);
    }
  }

  attachPermissions(permissions: Permissions): void {
    if (!this.role) throw new Error(`The "${this.id}" Function has no role to attach permissions to`);
    attachPermissionsToRole(this.role, permissions);
  }

  getConstructMetadata() {
    return { type: "Function" as const, data: { handler: this.handlerPath, arn: this.functionArn, localId: this.functionId } };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "function",
      variables: { functionName: { type: "plain", value: this.functionName } },
      permissions: { "lambda:*": [this.functionArn] },
    };
  }

  private createUrl(url: FunctionUrlProps): void {
    const cors = url.cors === false ? undefined : url.cors === undefined || url.cors === true
      ? { allowedOrigins: ["*"], allowedMethods: [lambda.HttpMethod.ALL], allowedHeaders: ["*"] }
      : {
          allowCredentials: url.cors.allowCredentials,
          allowedHeaders: url.cors.allowHeaders,
          allowedMethods: (url.cors.allowMethods ?? ["*"]).map((m) => m as lambda.HttpMethod),
          allowedOrigins: url.cors.allowOrigins,
          exposedHeaders: url.cors.exposeHeaders,
          maxAge: url.cors.maxAge !== undefined ? toCdkDuration(url.cors.maxAge) : undefined,
        };
    this.functionUrl = this.addFunctionUrl({
      authType: url.authorizer === "iam" ? lambda.FunctionUrlAuthType.AWS_IAM : lambda.FunctionUrlAuthType.NONE,
      cors,
    });
  }

  /** Merge function props: later wins, except environment (merged), bind/permissions/layers (concatenated). */
  static mergeProps(base?: FunctionProps, more?: FunctionProps): FunctionProps {
    const b = base ?? {};
    const m = more ?? {};
    const out: FunctionProps = { ...b, ...m };
    const env = { ...(b.environment ?? {}), ...(m.environment ?? {}) };
    if (Object.keys(env).length) out.environment = env;
    const bind = [...(b.bind ?? []), ...(m.bind ?? [])];
    if (bind.length) out.bind = bind;
    const layers = [...(b.layers ?? []), ...(m.layers ?? [])];
    if (layers.length) out.layers = layers;
    if (b.permissions === "*" || m.permissions === "*") out.permissions = "*";
    else {
      const perms = [...(b.permissions ?? []), ...(m.permissions ?? [])];
      if (perms.length) out.permissions = perms;
    }
    if (b.nodejs || m.nodejs) out.nodejs = { ...(b.nodejs ?? {}), ...(m.nodejs ?? {}) };
    return out;
  }

  /**
   * A Function from a handler string, props or an existing Function.
   * `inheritedProps` (e.g. an Api's defaults.function) are merged under the definition.
   */
  static fromDefinition(
    scope: Construct, id: string, definition: FunctionDefinition,
    inheritedProps?: FunctionProps, inheritErrorMessage?: string,
  ): Function {
    if (typeof definition === "string") {
      return new Function(scope, id, { ...(inheritedProps ?? {}), handler: definition });
    }
    if (Function.isFunction(definition)) {
      if (inheritedProps && Object.keys(inheritedProps).length > 0) {
        throw new Error(inheritErrorMessage ?? `Cannot inherit default props when a Function is provided for "${id}"`);
      }
      return definition;
    }
    if (definition instanceof lambda.Function) {
      throw new Error(`Please use sst.Function instead of lambda.Function for the "${id}" Function.`);
    }
    if (definition && typeof definition === "object") {
      return new Function(scope, definition.cdk?.id ?? id, Function.mergeProps(inheritedProps, definition));
    }
    throw new Error(`Invalid function definition for the "${id}" Function`);
  }
}

/**
 * A stable, unique id from the construct path (known before super(), which the
 * asset directory needs). Same shape as a CDK construct address.
 */
function addrOf(scope: Construct, id: string): string {
  const full = [...scope.node.scopes.map((s) => s.node.id).filter(Boolean), id].join("/");
  return "c8" + createHash("sha1").update(full).digest("hex").slice(0, 40);
}

function functionCode(app: App, def: FunctionDefinitionRecord, liveLambda: boolean): { code: lambda.Code; handler: string } {
  if (liveLambda) return { code: lambda.Code.fromAsset(liveLambdaStubDir(path.join(app.artifactsDir, "live-lambda-stub"))), handler: STUB_HANDLER };
  if (app.mode !== "deploy") {
    return { code: lambda.Code.fromAsset(STUB_DIR), handler: "index.handler" };
  }
  const outdir = path.join(app.artifactsDir, def.id);
  const result = bundleFunctionSync(def, app.appPath, outdir);
  if (!fs.existsSync(result.file)) throw new Error(`Bundling "${def.handler}" produced no ${result.file}`);
  const base = path.basename(result.file).replace(/\.(mjs|cjs|js)$/, "");
  return { code: lambda.Code.fromAsset(outdir), handler: `${base}.${result.exportName}` };
}

function toRetention(r: FunctionProps["logRetention"]): logs.RetentionDays | undefined {
  if (r === undefined) return undefined;
  if (typeof r === "number") return r;
  const key = String(r).toUpperCase() as keyof typeof logs.RetentionDays;
  const v = logs.RetentionDays[key];
  if (v === undefined) throw new Error(`Unknown logRetention "${r}"`);
  return v;
}
