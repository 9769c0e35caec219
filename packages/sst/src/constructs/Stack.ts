/**
 * An SST stack: a cdk.Stack named `${stage}-${app}-${id}` in the app's account and
 * region, with stack-level function defaults, `addOutputs`, and the per-stack custom
 * resource handler SST v2 gives every stack (`src/custom-resources/`: Auth's keys, the
 * sourcemap uploader, secret prefetcher, function invoker … run there).
 */
import * as cdk from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type { Construct, IConstruct } from "constructs";
import { App, type AppCdkOptions, type DefaultFunctionProps } from "./App.js";
import type { FunctionProps } from "./Function.js";
import type { Permissions, BindingResource } from "./util/permission.js";
import { customResourceHandler } from "./util/custom-resource-handler.js";

export interface SSTStackProps extends cdk.StackProps {}

const STACK_MARK = Symbol.for("sst.Stack");

export class Stack extends cdk.Stack {
  readonly stage: string;
  /** @internal The app's defaults (as they were when the stack was created), then the stack's own. */
  readonly defaultFunctionProps: FunctionProps[];
  /** @internal One Lambda function per stack that SST's custom resources run in. */
  readonly customResourceHandler: lambda.Function;
  /** @internal False in remove mode and for stacks outside `sst deploy <filter>`: their code is not built. */
  readonly isActive: boolean;

  static isSSTStack(x: unknown): x is Stack {
    return !!x && typeof x === "object" && (x as any)[STACK_MARK] === true;
  }

  constructor(scope: Construct, id: string, props?: SSTStackProps) {
    const app = App.of(scope);
    checkProps(id, props);
    const stackId = app.logicalPrefixedName(id);
    // SST v2 uses the prefixed name as the construct id, so the assembly artifact, the
    // template file and (by default) the CloudFormation stack are all named after it.
    super(scope, stackId, {
      ...props,
      env: { account: app.account, region: app.region },
      synthesizer: props?.synthesizer ?? app.stackSynthesizer?.() ?? synthesizerFrom(app.cdkOptions),
    });
    (this as any)[STACK_MARK] = true;
    this.stage = app.stage;
    this.defaultFunctionProps = app.defaultFunctionProps.map((p) => (typeof p === "function" ? p(this) : p));
    this.customResourceHandler = this.createCustomResourceHandler();
    this.isActive = app.mode !== "remove" && (!app.isActiveStack || app.isActiveStack(this.stackName) === true);
  }

  setDefaultFunctionProps(props: DefaultFunctionProps): void {
    if (this.getAllFunctions().length > 0) {
      throw new Error(
        `Default function props for the "${this.node.id}" stack must be set before any functions have been added. Use "addDefaultFunctionEnv" or "addDefaultFunctionPermissions" instead to add more default properties.`,
      );
    }
    this.defaultFunctionProps.push(typeof props === "function" ? props(this) : props);
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

  addDefaultFunctionLayers(layers: lambda.ILayerVersion[]): void {
    this.defaultFunctionProps.push({ layers });
  }

  /** @internal The resolved default function props (app first). */
  resolvedDefaultFunctionProps(): FunctionProps[] {
    return this.defaultFunctionProps;
  }

  /** The SST Functions in this stack. */
  getAllFunctions(): import("./Function.js").Function[] {
    const out: any[] = [];
    const visit = (c: IConstruct) => {
      for (const child of c.node.children) {
        if ((child as any)[Symbol.for("sst.Function")] === true) out.push(child);
        visit(child);
      }
    };
    visit(this);
    return out;
  }

  /**
   * Stack outputs. The construct id is prefixed so an output may share its key with a
   * construct (`stack.addOutputs({ Users: table.tableName })` next to `new Table(stack, "Users")`);
   * the CloudFormation output keeps the key, stripped to letters and digits.
   */
  addOutputs(outputs: Record<string, string | cdk.CfnOutputProps | undefined>): void {
    for (const [key, value] of Object.entries(outputs)) {
      if (value === undefined) continue;
      const output = new cdk.CfnOutput(this, `SSTStackOutput${key}`, typeof value === "string" ? { value } : value);
      output.overrideLogicalId(key.replace(/[^A-Za-z0-9]/g, ""));
    }
  }

  private createCustomResourceHandler(): lambda.Function {
    return customResourceHandler(this);
  }
}

function checkProps(id: string, props: unknown): void {
  if (props && typeof props === "object" && "node" in props) {
    throw new Error(`Expected an associative array as the stack props while initializing "${id}" stack. Received a construct instead.`);
  }
  if ((props as cdk.StackProps | undefined)?.env) {
    let env = "";
    try {
      env = ` (${JSON.stringify((props as cdk.StackProps).env)})`;
    } catch {
      /* not serialisable */
    }
    throw new Error(`Do not set the "env" prop while initializing "${id}" stack${env}. Use the "AWS_PROFILE" environment variable and "--region" CLI option instead.`);
  }
}

/** SST v2: `config.cdk` settings give every stack a DefaultStackSynthesizer pointing at that bootstrap. */
function synthesizerFrom(cdkOptions?: AppCdkOptions): cdk.IStackSynthesizer | undefined {
  if (!cdkOptions) return undefined;
  const props: cdk.DefaultStackSynthesizerProps = {
    qualifier: cdkOptions.qualifier,
    bootstrapStackVersionSsmParameter: cdkOptions.bootstrapStackVersionSsmParameter,
    fileAssetsBucketName: cdkOptions.fileAssetsBucketName,
    deployRoleArn: cdkOptions.deployRoleArn,
    fileAssetPublishingRoleArn: cdkOptions.fileAssetPublishingRoleArn,
    imageAssetPublishingRoleArn: cdkOptions.imageAssetPublishingRoleArn,
    imageAssetsRepositoryName: cdkOptions.imageAssetsRepositoryName,
    cloudFormationExecutionRole: cdkOptions.cloudFormationExecutionRole,
    lookupRoleArn: cdkOptions.lookupRoleArn,
  };
  if (Object.values(props).every((v) => v === undefined)) return undefined;
  return new cdk.DefaultStackSynthesizer(props);
}
