/**
 * SST's Script: functions run while a stack deploys — onCreate when the Script is
 * created, onUpdate on each later deploy (its `version` changes every deploy unless
 * given), onDelete when it is removed — through a `Custom::SSTScript` resource and its
 * handler function, as SST v2 does. The functions are always bundled (never live under
 * `sst dev`, where the deploy would wait on them), with a 15-minute timeout by default.
 * Locally the local cloud invokes them itself during the deploy.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionProps } from "./Function.js";
import { SST_CONSTRUCT, type BindingResource, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";
import { callSite, propError, sentenceError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { functionRef } from "./util/function-ref.js";

export interface ScriptProps {
  /** Passed to the functions as `event.params`. */
  params?: Record<string, any>;
  /** Runs onUpdate only when this changes. @default a new value every deploy */
  version?: string;
  defaults?: { function?: FunctionProps };
  onCreate?: FunctionDefinition;
  onUpdate?: FunctionDefinition;
  onDelete?: FunctionDefinition;
}

const PROPS = new Set(["params", "version", "defaults", "onCreate", "onUpdate", "onDelete"]);
const HANDLER_DIR = fileURLToPath(new URL("../../support/script-function/", import.meta.url));
type Phase = "onCreate" | "onUpdate" | "onDelete";

export class Script extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Script";
  readonly createFunction?: Fn;
  readonly updateFunction?: Fn;
  readonly deleteFunction?: Fn;
  /** @internal */
  readonly ref: ConstructRef;
  private readonly props: ScriptProps;

  constructor(scope: Construct, id: string, props: ScriptProps) {
    super(scope, id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Script", id, site: callSite() };
    if ((props as any)?.function !== undefined) {
      throw sentenceError(this.ref, "function", `The "function" property has been replaced by "onCreate" and "onUpdate".`);
    }
    checkKnownProps(this.ref, props, PROPS);
    if (!props?.onCreate && !props?.onUpdate && !props?.onDelete) {
      throw sentenceError(this.ref, "onCreate", `Need to provide at least one of "onCreate", "onUpdate", or "onDelete" functions.`);
    }
    this.props = props;
    this.createFunction = this.userFunction("onCreate", props.onCreate);
    this.updateFunction = this.userFunction("onUpdate", props.onUpdate);
    this.deleteFunction = this.userFunction("onDelete", props.onDelete);
    const handler = this.createHandler();
    const app = App.of(this);
    new cdk.CustomResource(this, "ScriptResource", {
      serviceToken: handler.functionArn,
      resourceType: "Custom::SSTScript",
      properties: {
        UserCreateFunction: this.createFunction?.functionName,
        UserUpdateFunction: this.updateFunction?.functionName,
        UserDeleteFunction: this.deleteFunction?.functionName,
        UserParams: JSON.stringify(props.params ?? {}),
        // Under sst dev, SST v2 gives one version a session: scripts run once, not on every redeploy.
        Version: props.version ?? ((app.mode === "dev" && app.debugScriptVersion) || Date.now().toString()),
      },
    });
  }

  bind(constructs: BindingResource[]): void {
    for (const fn of this.functions()) fn.bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    for (const fn of this.functions()) fn.attachPermissions(permissions);
  }

  getConstructMetadata() {
    return {
      type: "Script" as const,
      data: { createfn: functionRef(this.createFunction), deletefn: functionRef(this.deleteFunction), updatefn: functionRef(this.updateFunction) },
    };
  }

  /** @internal A Script binds nothing. */
  getBindings(): undefined {
    return undefined;
  }

  private functions(): Fn[] {
    return [this.createFunction, this.updateFunction, this.deleteFunction].filter((f): f is Fn => !!f);
  }

  private userFunction(phase: Phase, definition?: FunctionDefinition): Fn | undefined {
    if (!definition) return undefined;
    return within(this.ref, phase, () => {
      if (Fn.isFunction(definition)) {
        if (definition._isLiveDevEnabled) {
          throw new Error(`Live Lambda Dev cannot be enabled for functions in the Script construct. Set the "enableLiveDev" prop for the function to "false".`);
        }
        return Fn.fromDefinition(this, `${phase}Function`, definition, this.props.defaults?.function,
          `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define the "${phase}" function using FunctionProps, so the Script construct can apply the "defaults.function" to them.`);
      }
      const props: FunctionProps = typeof definition === "string" ? { handler: definition } : definition;
      return Fn.fromDefinition(this, `${phase}Function`, { ...props, enableLiveDev: false }, { timeout: 900, ...this.props.defaults?.function });
    });
  }

  private createHandler(): lambda.Function {
    const handler = new lambda.Function(this, "ScriptHandler", {
      code: lambda.Code.fromAsset(path.resolve(HANDLER_DIR)),
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      timeout: cdk.Duration.minutes(15),
      memorySize: 1024,
      initialPolicy: [new iam.PolicyStatement({ actions: ["cloudformation:DescribeStacks"], resources: [cdk.Stack.of(this).stackId] })],
    });
    for (const fn of this.functions()) fn.grantInvoke(handler);
    return handler;
  }
}
