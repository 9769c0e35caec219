/**
 * An SST stack: a cdk.Stack named `${stage}-${app}-${id}` in the app's region, with
 * stack-level function defaults and `addOutputs`.
 */
import * as cdk from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { customResourceHandler } from "./util/custom-resource-handler.js";
import type { Construct } from "constructs";
import { App, type DefaultFunctionProps } from "./App.js";
import type { FunctionProps } from "./Function.js";
import type { Permissions, BindingResource } from "./util/permission.js";

export interface SSTStackProps extends cdk.StackProps {}

const STACK_MARK = Symbol.for("sst.Stack");

export class Stack extends cdk.Stack {
  readonly stage: string;
  /** @internal */
  readonly defaultFunctionProps: DefaultFunctionProps[] = [];

  static isSSTStack(x: unknown): x is Stack {
    return !!x && typeof x === "object" && (x as any)[STACK_MARK] === true;
  }

  constructor(scope: Construct, id: string, props?: SSTStackProps) {
    const app = App.of(scope);
    if (props?.env) throw new Error(`Do not set the "env" prop on the "${id}" stack: the region comes from the app (sst.config.ts).`);
    const stackName = props?.stackName ?? app.logicalPrefixedName(id);
    // SST v2 uses the prefixed stack name as the construct id, so the assembly
    // artifact and template file are named after the CloudFormation stack.
    super(scope, stackName, {
      ...props,
      stackName,
      env: { account: app.account, region: app.region },
      synthesizer: props?.synthesizer ?? app.stackSynthesizer?.(),
    });
    (this as any)[STACK_MARK] = true;
    this.stage = app.stage;
  }

  /**
   * The stack's custom resource handler (SST v2's `stack.customResourceHandler`):
   * created on first use (util/custom-resource-handler.ts).
   */
  get customResourceHandler(): lambda.Function {
    return customResourceHandler(this);
  }

  setDefaultFunctionProps(props: DefaultFunctionProps): void {
    if (this.getAllFunctions().length > 0) {
      throw new Error(`Default function props for the "${this.node.id}" stack must be set before any functions are added`);
    }
    this.defaultFunctionProps.push(props);
  }

  addDefaultFunctionEnv(environment: Record<string, string>): void {
    this.defaultFunctionProps.push({ environment });
  }

  addDefaultFunctionPermissions(permissions: Permissions): void {
    this.defaultFunctionProps.push({ permissions });
  }

  addDefaultFunctionBinding(bind: BindingResource[]): void {
    this.defaultFunctionProps.push({ bind });
  }

  /** The resolved default function props of app then stack (app first). @internal */
  resolvedDefaultFunctionProps(): FunctionProps[] {
    const app = App.of(this);
    return [...app.defaultFunctionProps, ...this.defaultFunctionProps].map((p) =>
      typeof p === "function" ? p(this) : p,
    );
  }

  getAllFunctions(): import("./Function.js").Function[] {
    const out: any[] = [];
    for (const c of this.node.findAll()) {
      if ((c as any)[Symbol.for("sst.Function")] === true) out.push(c);
    }
    return out;
  }

  addOutputs(outputs: Record<string, string | cdk.CfnOutputProps | undefined>): void {
    for (const [key, value] of Object.entries(outputs)) {
      if (value === undefined) continue;
      if (typeof value === "string") {
        new cdk.CfnOutput(this, key, { value });
      } else {
        new cdk.CfnOutput(this, key, value);
      }
    }
  }
}
