/**
 * SST v2's Auth: an authenticator function mounted on an Api (`attach`), and a signing
 * key pair that a custom resource (Custom::AuthKeys, served by the stack's
 * CustomResourceHandler) generates at deploy and keeps in SSM. The authenticator signs
 * sessions with the private key; every route of an attached Api is bound to the public
 * key so `useSession()` can verify them. Same logical ids, SSM paths and environment
 * variables as SST v2.
 */
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as ssm from "aws-cdk-lib/aws-ssm";
import { Construct } from "constructs";
import { App } from "./App.js";
import type { Api } from "./Api.js";
import type { FunctionDefinition } from "./Function.js";
import {
  SST_CONSTRUCT, FETCH_FROM_SSM, bindingEnvName, bindingParameterName,
  type BindingProps, type SSTConstruct,
} from "./util/binding.js";
import { customResourceHandler } from "./util/custom-resource-handler.js";

export interface AuthProps {
  /**
   * The function that handles the auth routes (an `AuthHandler` from `sst/node/auth`):
   * a handler path or function props. `attach` adds it to the Api once per route, with
   * the Api's `defaults.function` applied.
   */
  readonly authenticator: FunctionDefinition;
  readonly cdk?: {
    /**
     * The construct id, when it must differ from the id used in SSM paths and env names.
     * @default the `id` argument
     */
    readonly id?: string;
  };
}

export interface ApiAttachmentProps {
  /** The Api to add the auth routes to. An Api takes one Auth. */
  readonly api: Api;
  /**
   * The path the auth routes are mounted at: `GET {prefix}` and `ANY {prefix}/{proxy+}`.
   * @default "/auth"
   */
  readonly prefix?: string;
}

const PUBLIC_KEY = "publicKey";
const PRIVATE_KEY = "privateKey";
const PREFIX = "prefix";

/** Which Auth each Api is attached to (SST v2 allows one). */
const attachedAuth = new WeakMap<Api, Auth>();

export class Auth extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Auth";
  private readonly authenticator: FunctionDefinition;
  private readonly apis = new Set<Api>();
  private readonly stack: cdk.Stack;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, props?.cdk?.id || id);
    const given = (props ?? {}) as unknown as Record<string, unknown>;
    if (!given.authenticator || ["defaults", "login", "triggers", "identityPoolFederation"].some((k) => k in given)) {
      throw new Error(
        `Auth "${id}": expected { authenticator }. It looks like Cognito props were passed: ` +
          `the Auth construct was renamed to Cognito in SST 1.10.0, and this Auth takes an authenticator function.`,
      );
    }
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.authenticator = props.authenticator;
    this.stack = cdk.Stack.of(scope);

    // The custom resource writes and deletes the keys; SST v2 names this policy so.
    const policy = new iam.Policy(this, "CloudFrontInvalidatorPolicy", {
      statements: [
        new iam.PolicyStatement({
          actions: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter", "ssm:DeleteParameters"],
          resources: [`arn:${this.stack.partition}:ssm:${this.stack.region}:${this.stack.account}:parameter/*`],
        }),
      ],
    });
    const handler = customResourceHandler(this.stack);
    handler.role!.attachInlinePolicy(policy);

    const keys = new cdk.CustomResource(this, "StackMetadata", {
      serviceToken: handler.functionArn,
      resourceType: "Custom::AuthKeys",
      properties: { publicPath: this.parameterPath(PUBLIC_KEY), privatePath: this.parameterPath(PRIVATE_KEY) },
    });
    keys.node.addDependency(policy);

    App.of(this).beforeFinish(() => this.bindAttachedRoutes());
  }

  /**
   * Adds the auth routes to an Api: `GET {prefix}` and `ANY {prefix}/{proxy+}`, each
   * running the authenticator with the prefix and both keys bound. Routes are added in
   * `scope` (usually the stack calling `attach`), as with `api.addRoutes`.
   */
  attach(scope: Construct, props: ApiAttachmentProps): void {
    if (this.apis.has(props.api)) {
      throw new Error(`Auth "${this.id}" is already attached to the "${props.api.id}" Api.`);
    }
    if (attachedAuth.has(props.api)) {
      throw new Error(`The "${props.api.id}" Api already has an Auth attached ("${attachedAuth.get(props.api)!.id}"); an Api takes one.`);
    }
    const prefix = props.prefix || "/auth";
    if (!/^\/[^\s{}]*[^/\s{}]$/.test(prefix)) {
      throw new Error(`Auth "${this.id}": "prefix" must be a path like "/auth" (starting with "/", no trailing "/"), got "${prefix}"`);
    }
    const app = App.of(this);

    for (const route of [`ANY ${prefix}/{proxy+}`, `GET ${prefix}`]) {
      props.api.addRoutes(scope, { [route]: { type: "function", function: this.authenticator, authorizer: "none" } });
      // The authenticator is bound by hand: it gets the prefix and the private key too,
      // which `bind([auth])` never gives.
      const fn = props.api.getFunction(route)!;
      fn.addEnvironment(bindingEnvName(this.constructType, PREFIX, this.id), prefix);
      fn.addEnvironment(bindingEnvName(this.constructType, PUBLIC_KEY, this.id), FETCH_FROM_SSM);
      fn.addEnvironment(bindingEnvName(this.constructType, PRIVATE_KEY, this.id), FETCH_FROM_SSM);
      fn.attachPermissions([
        new iam.PolicyStatement({
          effect: iam.Effect.ALLOW,
          actions: ["ssm:GetParameters"],
          resources: [`arn:${cdk.Stack.of(this).partition}:ssm:${app.region}:${app.account}:parameter${this.parameterPath("*")}`],
        }),
      ]);
    }

    // One prefix parameter per Auth: a second Api must use the same prefix.
    if (this.apis.size === 0) {
      new ssm.StringParameter(this, "prefix", { parameterName: this.parameterPath(PREFIX), stringValue: prefix });
    }
    this.apis.add(props.api);
    attachedAuth.set(props.api, this);
  }

  getConstructMetadata() {
    return { type: "Auth" as const, data: {} };
  }

  /** `bind([auth])` gives a function the public key, to verify sessions. @internal */
  getBindings(): BindingProps {
    const app = App.of(this);
    return {
      clientPackage: "auth",
      variables: { [PUBLIC_KEY]: { type: "secret" } },
      permissions: {
        "ssm:GetParameters": [
          `arn:${cdk.Stack.of(this).partition}:ssm:${app.region}:${app.account}:parameter${this.parameterPath(PUBLIC_KEY)}`,
        ],
      },
    };
  }

  /** When the app finishes, every route function of an attached Api gets the public key, routes added after `attach` included. */
  private bindAttachedRoutes(): void {
    for (const api of Array.from(this.apis)) {
      for (const route of api.routes) api.getFunction(route)?.bind([this]);
    }
  }

  private parameterPath(prop: string): string {
    return bindingParameterName(App.of(this).ssmPrefix, this.constructType, this.id, prop);
  }
}
