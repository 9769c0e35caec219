/**
 * SST's Cognito: a user pool (`UserPool`, self sign-up, case-insensitive sign-in) and
 * its client, trigger functions, and an identity pool with roles for signed-in and
 * guest users, as SST v2 builds them. Locally the pool and client run in the local
 * cloud's Cognito (sign-up, sign-in with SRP or a password, tokens its authorizers
 * verify, MFA, every trigger through the local Lambda) and the identity pool hands out
 * credentials of its roles; `sst dev` says once what differs (codes are printed, not sent;
 * custom senders get them unencrypted; device tracking, advanced security and outside
 * identity providers are deployed as written).
 */
import * as cdk from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionProps } from "./Function.js";
import { SST_CONSTRUCT, type BindingResource, type SSTConstruct } from "./util/binding.js";
import { attachPermissionsToRole, attachPermissionsToPolicy, type Permissions } from "./util/permission.js";
import { callSite, propError, sentenceError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { functionRef } from "./util/function-ref.js";
import { isCdkConstruct } from "./util/cdk-construct.js";
import { addLocalNotice } from "./util/local-notice.js";

const TRIGGERS = {
  createAuthChallenge: cognito.UserPoolOperation.CREATE_AUTH_CHALLENGE,
  customEmailSender: cognito.UserPoolOperation.CUSTOM_EMAIL_SENDER,
  customMessage: cognito.UserPoolOperation.CUSTOM_MESSAGE,
  customSmsSender: cognito.UserPoolOperation.CUSTOM_SMS_SENDER,
  defineAuthChallenge: cognito.UserPoolOperation.DEFINE_AUTH_CHALLENGE,
  postAuthentication: cognito.UserPoolOperation.POST_AUTHENTICATION,
  postConfirmation: cognito.UserPoolOperation.POST_CONFIRMATION,
  preAuthentication: cognito.UserPoolOperation.PRE_AUTHENTICATION,
  preSignUp: cognito.UserPoolOperation.PRE_SIGN_UP,
  preTokenGeneration: cognito.UserPoolOperation.PRE_TOKEN_GENERATION,
  userMigration: cognito.UserPoolOperation.USER_MIGRATION,
  verifyAuthChallengeResponse: cognito.UserPoolOperation.VERIFY_AUTH_CHALLENGE_RESPONSE,
} as const;

export type CognitoUserPoolTriggers = { [K in keyof typeof TRIGGERS]?: FunctionDefinition };

export interface CognitoIdentityPoolFederationProps {
  auth0?: { domain: string; clientId: string };
  amazon?: { appId: string };
  apple?: { servicesId: string };
  facebook?: { appId: string };
  google?: { clientId: string };
  twitter?: { consumerKey: string; consumerSecret: string };
  cdk?: { cfnIdentityPool?: Omit<cognito.CfnIdentityPoolProps, "allowUnauthenticatedIdentities"> & { allowUnauthenticatedIdentities?: boolean } };
}

export interface CognitoProps {
  defaults?: { function?: FunctionProps };
  /** What users sign in with. @default username */
  login?: ("email" | "phone" | "username" | "preferredUsername")[];
  triggers?: CognitoUserPoolTriggers;
  /** The identity pool and its federated providers; false for none. @default true */
  identityPoolFederation?: boolean | CognitoIdentityPoolFederationProps;
  cdk?: {
    id?: string;
    userPool?: cognito.UserPoolProps | cognito.IUserPool;
    userPoolClient?: cognito.UserPoolClientOptions | cognito.IUserPoolClient;
  };
}

const PROPS = new Set(["defaults", "login", "triggers", "identityPoolFederation", "cdk"]);
const FEDERATION_PROPS = new Set(["auth0", "amazon", "apple", "facebook", "google", "twitter", "cdk"]);

export class Cognito extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Cognito";
  readonly cdk: {
    userPool: cognito.IUserPool;
    userPoolClient: cognito.IUserPoolClient;
    cfnIdentityPool?: cognito.CfnIdentityPool;
    authRole: iam.Role;
    unauthRole: iam.Role;
    cfnIdentityPoolRoleAttachment?: cognito.CfnIdentityPoolRoleAttachment;
  };
  /** @internal */
  readonly ref: ConstructRef;
  private readonly functions: Record<string, Fn> = {};
  private readonly props: CognitoProps;

  constructor(scope: Construct, id: string, props?: CognitoProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Cognito", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, PROPS);
    if (typeof this.props.identityPoolFederation === "object") checkKnownProps(this.ref, this.props.identityPoolFederation, FEDERATION_PROPS, "identityPoolFederation.");
    this.cdk = {} as Cognito["cdk"];
    this.createUserPool();
    this.createUserPoolClient();
    this.addTriggers();
    this.createIdentityPool();
    this.addLocalNotices();
  }

  /** What the local Cognito does differently, said once by `sst dev`. */
  private addLocalNotices(): void {
    const construct = `Cognito "${this.id}"`;
    if (this.cdk.userPool instanceof cognito.UserPool) {
      addLocalNotice(this, {
        construct, prop: "the user pool",
        local: "the local user pool sends no email or SMS: `sst dev` prints each confirmation code, password-reset code, MFA sign-in code and temporary password instead",
      });
    }
    const poolProps = this.props.cdk?.userPool as cognito.UserPoolProps | undefined;
    if (poolProps?.advancedSecurityMode && poolProps.advancedSecurityMode !== cognito.AdvancedSecurityMode.OFF) {
      addLocalNotice(this, { construct, prop: "cdk.userPool.advancedSecurityMode", local: "advanced security is deployed as written; the local user pool assesses no sign-in risk" });
    }
    for (const key of ["customEmailSender", "customSmsSender"] as const) {
      if (this.props.triggers?.[key]) {
        addLocalNotice(this, { construct, prop: `triggers.${key}`, local: "the function is called with each code, but in plain text: there is no local KMS to encrypt it with the pool's key, so skip the AWS Encryption SDK's decrypt locally (the code is also printed)" });
      }
    }
    const federation = this.props.identityPoolFederation;
    if (typeof federation === "object") {
      for (const key of ["auth0", "amazon", "apple", "facebook", "google", "twitter"] as const) {
        if (!federation[key]) continue;
        addLocalNotice(this, {
          construct, prop: `identityPoolFederation.${key}`,
          local: "the provider is deployed as written; locally the identity pool gives credentials to the user pool's signed-in users and to guests, not to sign-ins with this provider (their tokens cannot be checked offline)",
        });
      }
    }
  }

  get userPoolId(): string {
    return this.cdk.userPool.userPoolId;
  }

  get userPoolArn(): string {
    return this.cdk.userPool.userPoolArn;
  }

  get userPoolClientId(): string {
    return this.cdk.userPoolClient.userPoolClientId;
  }

  get cognitoIdentityPoolId(): string | undefined {
    return this.cdk.cfnIdentityPool?.ref;
  }

  /** Permissions for signed-in users (`scope`: the stack that owns the resources, for a policy there). */
  attachPermissionsForAuthUsers(scopeOrPermissions: Construct | Permissions, permissions?: Permissions): void {
    this.attachPermissionsForUsers(this.cdk.authRole, scopeOrPermissions, permissions);
  }

  attachPermissionsForUnauthUsers(scopeOrPermissions: Construct | Permissions, permissions?: Permissions): void {
    this.attachPermissionsForUsers(this.cdk.unauthRole, scopeOrPermissions, permissions);
  }

  bindForTriggers(constructs: BindingResource[]): void {
    for (const fn of Object.values(this.functions)) fn.bind(constructs);
  }

  bindForTrigger(triggerKey: keyof CognitoUserPoolTriggers, constructs: BindingResource[]): void {
    const fn = this.getFunction(triggerKey);
    if (!fn) throw new Error(`Failed to bind resources. Trigger "${triggerKey}" does not exist.`);
    fn.bind(constructs);
  }

  attachPermissionsForTriggers(permissions: Permissions): void {
    for (const fn of Object.values(this.functions)) fn.attachPermissions(permissions);
  }

  attachPermissionsForTrigger(triggerKey: keyof CognitoUserPoolTriggers, permissions: Permissions): void {
    const fn = this.getFunction(triggerKey);
    if (!fn) throw new Error(`Failed to attach permissions. Trigger "${triggerKey}" does not exist.`);
    fn.attachPermissions(permissions);
  }

  getFunction(triggerKey: keyof CognitoUserPoolTriggers): Fn | undefined {
    return this.functions[triggerKey];
  }

  getConstructMetadata() {
    return {
      type: "Cognito" as const,
      data: {
        identityPoolId: this.cdk.cfnIdentityPool?.ref,
        userPoolId: this.cdk.userPool.userPoolId,
        triggers: Object.entries(this.functions).map(([name, fn]) => ({ name, fn: functionRef(fn) })),
      },
    };
  }

  /** @internal Cognito binds nothing. */
  getBindings(): undefined {
    return undefined;
  }

  private attachPermissionsForUsers(role: iam.Role, scopeOrPermissions: Construct | Permissions, maybePermissions?: Permissions): void {
    const [scope, permissions] = maybePermissions !== undefined
      ? [scopeOrPermissions as Construct, maybePermissions]
      : [this as Construct, scopeOrPermissions as Permissions];
    if (!role) throw propError(this.ref, "identityPoolFederation", "is false: there are no identity pool roles to attach permissions to");
    if (cdk.Stack.of(scope) === cdk.Stack.of(this)) {
      attachPermissionsToRole(role, permissions);
      return;
    }
    // Resources of another stack: the policy lives there, so the stacks do not depend on each other both ways.
    const policyId = `Auth-${this.node.id}-${scope.node.id}-${role === this.cdk.authRole ? "AuthRole" : "UnauthRole"}`;
    const policy = (scope.node.tryFindChild(policyId) as iam.Policy | undefined) ?? new iam.Policy(scope, policyId);
    role.attachInlinePolicy(policy);
    attachPermissionsToPolicy(policy, permissions);
  }

  private createUserPool(): void {
    const { login, cdk: cdkProps } = this.props;
    if (isCdkConstruct(cdkProps?.userPool)) {
      this.cdk.userPool = cdkProps!.userPool as cognito.IUserPool;
      return;
    }
    const poolProps = (cdkProps?.userPool ?? {}) as cognito.UserPoolProps;
    if (poolProps.lambdaTriggers) throw sentenceError(this.ref, "cdk.userPool.lambdaTriggers", `Cannot configure the "cdk.userPool.lambdaTriggers" in the Cognito construct. Use the "triggers" instead.`);
    if (isCdkConstruct(cdkProps?.userPoolClient)) throw sentenceError(this.ref, "cdk.userPoolClient", `Cannot import the "userPoolClient" when the "userPool" is not imported.`);
    this.cdk.userPool = new cognito.UserPool(this, "UserPool", {
      userPoolName: App.of(this).logicalPrefixedName(this.node.id),
      selfSignUpEnabled: true,
      signInCaseSensitive: false,
      signInAliases: login && {
        email: login.includes("email"),
        phone: login.includes("phone"),
        username: login.includes("username"),
        preferredUsername: login.includes("preferredUsername"),
      },
      ...poolProps,
    });
  }

  private createUserPoolClient(): void {
    const clientProp = this.props.cdk?.userPoolClient;
    this.cdk.userPoolClient = isCdkConstruct(clientProp)
      ? (clientProp as cognito.IUserPoolClient)
      : new cognito.UserPoolClient(this, "UserPoolClient", { userPool: this.cdk.userPool, ...((clientProp ?? {}) as cognito.UserPoolClientOptions) });
  }

  private addTriggers(): void {
    const triggers = this.props.triggers ?? {};
    if (Object.keys(triggers).length === 0) return;
    if (!(this.cdk.userPool instanceof cognito.UserPool)) throw sentenceError(this.ref, "triggers", `Cannot add triggers when the "userPool" is imported.`);
    for (const [key, definition] of Object.entries(triggers)) {
      const operation = TRIGGERS[key as keyof typeof TRIGGERS];
      if (!operation) throw propError(this.ref, `triggers.${key}`, `is not a user pool trigger (${Object.keys(TRIGGERS).join(", ")})`);
      const fn = within(this.ref, `triggers.${key}`, () => Fn.fromDefinition(this, key, definition!, this.props.defaults?.function,
        `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the triggers using FunctionProps, so the Cognito construct can apply the "defaults.function" to them.`));
      (this.cdk.userPool as cognito.UserPool).addTrigger(operation, fn);
      this.functions[key] = fn;
    }
  }

  private createIdentityPool(): void {
    const federation = this.props.identityPoolFederation;
    if (federation === false) return;
    const app = App.of(this);
    const stack = cdk.Stack.of(this);
    const cognitoIdentityProviders = [{
      providerName: `cognito-idp.${app.region}.${stack.urlSuffix}/${this.cdk.userPool.userPoolId}`,
      clientId: this.cdk.userPoolClient.userPoolClientId,
    }];
    const openIdConnectProviderArns: string[] = [];
    const supportedLoginProviders: Record<string, string> = {};
    if (typeof federation === "object") {
      // SST v2 names the missing setting as one word ("No Auth0Domain defined …").
      const need = (value: unknown, prop: string, what: string) => {
        if (!value) throw sentenceError(this.ref, `identityPoolFederation.${prop}`, `No ${what} defined for the "${this.node.id}" Auth`);
      };
      const { auth0, amazon, apple, facebook, google, twitter } = federation;
      if (auth0) {
        need(auth0.domain, "auth0.domain", "Auth0Domain");
        need(auth0.clientId, "auth0.clientId", "Auth0ClientId");
        const provider = new iam.OpenIdConnectProvider(this, "Auth0Provider", {
          url: auth0.domain.startsWith("https://") ? auth0.domain : `https://${auth0.domain}`,
          clientIds: [auth0.clientId],
        });
        openIdConnectProviderArns.push(provider.openIdConnectProviderArn);
      }
      if (amazon) {
        need(amazon.appId, "amazon.appId", "AmazonAppId");
        supportedLoginProviders["www.amazon.com"] = amazon.appId;
      }
      if (facebook) {
        need(facebook.appId, "facebook.appId", "FacebookAppId");
        supportedLoginProviders["graph.facebook.com"] = facebook.appId;
      }
      if (google) {
        need(google.clientId, "google.clientId", "GoogleClientId");
        supportedLoginProviders["accounts.google.com"] = google.clientId;
      }
      if (twitter) {
        need(twitter.consumerKey, "twitter.consumerKey", "TwitterConsumerKey");
        need(twitter.consumerSecret, "twitter.consumerSecret", "TwitterConsumerSecret");
        supportedLoginProviders["api.twitter.com"] = `${twitter.consumerKey};${twitter.consumerSecret}`;
      }
      if (apple) {
        need(apple.servicesId, "apple.servicesId", "AppleServicesId");
        supportedLoginProviders["appleid.apple.com"] = apple.servicesId;
      }
    }
    const poolProps = typeof federation === "object" ? federation.cdk?.cfnIdentityPool ?? {} : {};
    this.cdk.cfnIdentityPool = new cognito.CfnIdentityPool(this, "IdentityPool", {
      identityPoolName: app.logicalPrefixedName(this.node.id),
      allowUnauthenticatedIdentities: true,
      cognitoIdentityProviders,
      supportedLoginProviders,
      openIdConnectProviderArns,
      ...poolProps,
    });
    this.cdk.authRole = this.identityRole("IdentityPoolAuthRole", "authenticated", ["mobileanalytics:PutEvents", "cognito-sync:*", "cognito-identity:*"]);
    this.cdk.unauthRole = this.identityRole("IdentityPoolUnauthRole", "unauthenticated", ["mobileanalytics:PutEvents", "cognito-sync:*"]);
    this.cdk.cfnIdentityPoolRoleAttachment = new cognito.CfnIdentityPoolRoleAttachment(this, "IdentityPoolRoleAttachment", {
      identityPoolId: this.cdk.cfnIdentityPool.ref,
      roles: { authenticated: this.cdk.authRole.roleArn, unauthenticated: this.cdk.unauthRole.roleArn },
    });
  }

  private identityRole(id: string, amr: "authenticated" | "unauthenticated", actions: string[]): iam.Role {
    const identity = cdk.Stack.of(this).region.startsWith("us-gov-") ? "cognito-identity-us-gov.amazonaws.com" : "cognito-identity.amazonaws.com";
    const role = new iam.Role(this, id, {
      assumedBy: new iam.FederatedPrincipal(identity, {
        StringEquals: { [`${identity}:aud`]: this.cdk.cfnIdentityPool!.ref },
        "ForAnyValue:StringLike": { [`${identity}:amr`]: amr },
      }, "sts:AssumeRoleWithWebIdentity"),
    });
    role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions, resources: ["*"] }));
    return role;
  }
}
