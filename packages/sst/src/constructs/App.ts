/**
 * The SST app: a cdk.App that knows the app name, stage, region and mode, holds the
 * app-wide function defaults, and on `finish()` writes the SSM parameters for every
 * bindable construct (SST v2 does this when the app is synthesized).
 */
import * as cdk from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import * as ssm from "aws-cdk-lib/aws-ssm";
import { isSSTConstruct, bindingParameterName } from "./util/binding.js";
import type { FunctionProps, FunctionDefinitionRecord } from "./Function.js";
import type { Stack } from "./Stack.js";
import { stack as addStack, type FunctionalStack, type StackProps } from "./FunctionalStack.js";

export type AppMode = "dev" | "deploy" | "remove";
/** Where the assembly goes: the local cloud or AWS; undefined for `sst build` (the AWS form). */
export type DeployTarget = "local" | "aws";

export interface AppProps {
  name: string;
  stage: string;
  region?: string;
  account?: string;
  mode?: AppMode;
  /** Where the assembly will be deployed. @default "local" in dev mode, else undefined */
  target?: DeployTarget;
  /** The project root: handler paths are relative to it. */
  root?: string;
  ssmPrefix?: string;
  /** Cloud assembly output directory (default `${root}/.sst/dist`). */
  outdir?: string;
  /** Where deploy-mode function bundles go (default `${root}/.sst/artifacts`). */
  artifactsDir?: string;
  context?: Record<string, unknown>;
  /** Synthesizer for every stack (default: CDK's DefaultStackSynthesizer). */
  synthesizer?: () => cdk.IStackSynthesizer;
}

export type DefaultFunctionProps = FunctionProps | ((stack: Stack) => FunctionProps);

const APP_MARK = Symbol.for("sst.App");

export class App extends cdk.App {
  readonly name: string;
  readonly stage: string;
  override readonly region: string;
  override readonly account: string;
  readonly mode: AppMode;
  readonly target?: DeployTarget;
  readonly appPath: string;
  readonly ssmPrefix: string;
  readonly artifactsDir: string;
  /** @internal */
  readonly stackSynthesizer?: () => cdk.IStackSynthesizer;
  /** Function definitions for the dev loop, by SST_FUNCTION_ID. */
  readonly functionDefinitions: Record<string, FunctionDefinitionRecord> = {};
  /** @internal */
  readonly defaultFunctionProps: DefaultFunctionProps[] = [];
  /** @internal pending async stack functions */
  readonly pending: Promise<unknown>[] = [];
  private finished = false;
  private readonly finishTasks: (() => void)[] = [];
  private removalPolicyAspect?: cdk.IAspect;

  static override isApp(x: unknown): x is App {
    return !!x && typeof x === "object" && (x as any)[APP_MARK] === true;
  }

  /** The SST App a construct belongs to. */
  static override of(scope: IConstruct): App {
    const root = scope.node.root;
    if (!App.isApp(root)) throw new Error(`Construct "${scope.node.path}" is not inside an SST App`);
    return root;
  }

  constructor(props: AppProps) {
    const root = props.root ?? process.cwd();
    super({
      outdir: props.outdir ?? `${root}/.sst/dist`,
      context: props.context,
    });
    (this as any)[APP_MARK] = true;
    this.name = props.name;
    this.stage = props.stage;
    this.region = props.region ?? "us-east-1";
    this.account = props.account ?? process.env.CDK_DEFAULT_ACCOUNT ?? "000000000000";
    this.mode = props.mode ?? "deploy";
    this.target = props.target ?? (this.mode === "dev" ? "local" : undefined);
    this.appPath = root;
    this.ssmPrefix = props.ssmPrefix ?? `/sst/${this.name}/${this.stage}/`;
    this.artifactsDir = props.artifactsDir ?? `${root}/.sst/artifacts`;
    this.stackSynthesizer = props.synthesizer;
  }

  get local(): boolean {
    return this.mode === "dev";
  }

  /** `${stage}-${app}-${name}` */
  logicalPrefixedName(logicalName: string): string {
    return `${this.stage}-${this.name}-${logicalName}`;
  }

  /** Add a stack function. Returns the app for chaining (a Promise of it for async stacks). */
  stack<T>(fn: FunctionalStack<T>, props?: StackProps): any {
    const r = addStack(this, fn, props);
    if (r && typeof (r as any).then === "function") {
      const p = (r as Promise<unknown>).then(() => this);
      this.pending.push(p);
      return p;
    }
    return this;
  }

  setDefaultRemovalPolicy(policy: "destroy" | "retain" | "snapshot" | cdk.RemovalPolicy): void {
    const value = toRemovalPolicy(policy);
    if (this.removalPolicyAspect) {
      (this.removalPolicyAspect as RemovalPolicyAspect).policy = value;
      return;
    }
    this.removalPolicyAspect = new RemovalPolicyAspect(value);
    cdk.Aspects.of(this).add(this.removalPolicyAspect);
  }

  setDefaultFunctionProps(props: DefaultFunctionProps): void {
    this.defaultFunctionProps.push(props);
  }

  addDefaultFunctionEnv(environment: Record<string, string>): void {
    this.defaultFunctionProps.push({ environment });
  }

  addDefaultFunctionPermissions(permissions: import("./util/permission.js").Permissions): void {
    this.defaultFunctionProps.push({ permissions });
  }

  addDefaultFunctionBinding(bind: import("./util/permission.js").BindingResource[]): void {
    this.defaultFunctionProps.push({ bind });
  }

  /**
   * Run `task` when the app finishes, before the bound values' SSM parameters are
   * written: work that must see the whole app (Auth binds itself to every route of the
   * Apis it is attached to, routes added after `attach` included; sites build once
   * every stack is defined, as SST v2's deferred tasks do). @internal
   */
  beforeFinish(task: () => void): void {
    this.finishTasks.push(task);
  }

  /**
   * Finalise the app before synth: the `beforeFinish` tasks, then one String SSM
   * parameter per plain bound value of every bindable construct, at
   * `{ssmPrefix}{Type}/{id}/{prop}`. Idempotent.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const task of this.finishTasks) task();
    for (const c of this.node.findAll()) {
      if (!isSSTConstruct(c)) continue;
      const bindings = c.getBindings();
      if (!bindings) continue;
      for (const [prop, v] of Object.entries(bindings.variables)) {
        if (v.type !== "plain" && v.type !== "site_url") continue;
        new ssm.StringParameter(c, `Parameter_${prop}`, {
          parameterName: bindingParameterName(this.ssmPrefix, c.constructType, c.id, prop),
          stringValue: v.value ?? "",
        });
      }
    }
  }
}

class RemovalPolicyAspect implements cdk.IAspect {
  constructor(public policy: cdk.RemovalPolicy) {}
  visit(node: IConstruct): void {
    if (node instanceof cdk.CfnResource) node.applyRemovalPolicy(this.policy);
  }
}

function toRemovalPolicy(p: "destroy" | "retain" | "snapshot" | cdk.RemovalPolicy): cdk.RemovalPolicy {
  switch (p) {
    case "destroy": return cdk.RemovalPolicy.DESTROY;
    case "retain": return cdk.RemovalPolicy.RETAIN;
    case "snapshot": return cdk.RemovalPolicy.SNAPSHOT;
  }
  if (Object.values(cdk.RemovalPolicy).includes(p as cdk.RemovalPolicy)) return p as cdk.RemovalPolicy;
  throw new Error(`Unknown removal policy "${p}". Use "destroy", "retain" or "snapshot".`);
}
