/**
 * Cognito: user pools, their clients, groups and domains are provisioned in the local
 * Cognito (services/cognito-idp) with the template's settings, so sign-up and sign-in
 * work locally; a domain's hosted UI and OAuth endpoints answer at
 * `http://<prefix>.auth.<region>.localhost:<port>` (`sst dev` prints it), and resource
 * servers define the custom scopes clients are allowed. Identity pools and their roles are provisioned in the local identity pools
 * service (services/cognito-identity), so they hand out credentials of their roles.
 * Federated identity providers are created in the local Cognito: OIDC ones sign users in
 * through the local hosted UI; social and SAML ones are kept as written and said once.
 */
import { recordedProvider } from "./recorded.js";
import { arn, ignoreNotFound, service, tagMap, type ProviderContext, type ResourceProvider } from "../provider.js";

type Props = Record<string, any>;

/** Members CloudFormation may hand over as strings ("8", "true") whose API type is a number or a boolean. */
const NUMBERS = new Set(["MinimumLength", "TemporaryPasswordValidityDays", "UnusedAccountValidityDays", "Precedence", "Priority",
  "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "AuthSessionValidity", "PasswordHistorySize"]);
const BOOLEANS = new Set(["RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols", "AllowAdminCreateUserOnly", "CaseSensitive",
  "Required", "Mutable", "DeveloperOnlyAttribute", "GenerateSecret", "AllowedOAuthFlowsUserPoolClient", "EnableTokenRevocation",
  "EnablePropagateAdditionalUserContextData", "ChallengeRequiredOnNewDevice", "DeviceOnlyRememberedOnUserPrompt", "UserDataShared"]);

function coerce<T>(value: T): T {
  if (Array.isArray(value)) return value.map(coerce) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Props = {};
  for (const [k, v] of Object.entries(value as Props)) {
    if (NUMBERS.has(k) && typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) out[k] = Number(v);
    else if (BOOLEANS.has(k) && (v === "true" || v === "false")) out[k] = v === "true";
    else if (k === "UserPoolTags") out[k] = v;
    else out[k] = coerce(v);
  }
  return out as T;
}

/** The template's pool settings as CreateUserPool / UpdateUserPool take them. */
function poolInput(props: Props): Props {
  const { UserPoolName: _name, EnabledMfas: _mfas, Schema, UserPoolTags, ...rest } = coerce(props);
  return { ...rest, ...(Schema ? { Schema } : {}), ...(UserPoolTags ? { UserPoolTags } : {}) };
}

function poolAttributes(id: string, ctx: ProviderContext) {
  return {
    Arn: arn(ctx, "cognito-idp", `userpool/${id}`), UserPoolId: id,
    ProviderName: `cognito-idp.${ctx.region}.amazonaws.com/${id}`, ProviderURL: `https://cognito-idp.${ctx.region}.amazonaws.com/${id}`,
  };
}

/**
 * EnabledMfas (which CreateUserPool does not take) as SetUserPoolMfaConfig sets them, as
 * CloudFormation does; and a word, once per deploy, on what the local pool does not serve.
 */
async function applyMfaSettings(id: string, props: Props, ctx: ProviderContext) {
  const mode = props.MfaConfiguration ?? "OFF";
  const enabled: string[] = props.EnabledMfas ?? [];
  if (enabled.length) {
    await service(ctx, "cognitoidp").call("SetUserPoolMfaConfig", {
      UserPoolId: id, MfaConfiguration: mode,
      SoftwareTokenMfaConfiguration: { Enabled: enabled.includes("SOFTWARE_TOKEN_MFA") },
      ...(enabled.includes("SMS_MFA") ? { SmsMfaConfiguration: { SmsAuthenticationMessage: props.SmsAuthenticationMessage, SmsConfiguration: props.SmsConfiguration } } : {}),
      ...(enabled.includes("EMAIL_OTP") ? { EmailMfaConfiguration: {} } : {}),
    });
  }
  if (props.UserPoolAddOns?.AdvancedSecurityMode && props.UserPoolAddOns.AdvancedSecurityMode !== "OFF") {
    ctx.log?.(`UserPoolAddOns AdvancedSecurityMode ${props.UserPoolAddOns.AdvancedSecurityMode} recorded: the local user pool assesses no sign-in risk`);
  }
}

const userPool: ResourceProvider = {
  replacementProps: ["UsernameAttributes", "AliasAttributes", "UsernameConfiguration"],
  async create(props, ctx) {
    const name = props.UserPoolName ?? ctx.physicalName({ maxLength: 128 });
    const out = await service(ctx, "cognitoidp").call("CreateUserPool", { PoolName: name, ...poolInput(props) });
    const id = out.UserPool.Id as string;
    await applyMfaSettings(id, props, ctx);
    return { physicalId: id, attributes: poolAttributes(id, ctx) };
  },
  async update(id, props, old, ctx) {
    const idp = service(ctx, "cognitoidp");
    const { Schema: _schema, ...settings } = poolInput(props);
    await idp.call("UpdateUserPool", { UserPoolId: id, ...settings });
    await applyMfaSettings(id, props, ctx);
    // A schema only grows: attributes the template adds become custom attributes, as on AWS.
    const before = new Set((old.Schema ?? []).map((a: Props) => a.Name));
    const added = coerce((props.Schema ?? []) as Props[]).filter((a) => !before.has(a.Name));
    if (added.length) await idp.call("AddCustomAttributes", { UserPoolId: id, CustomAttributes: added });
    return poolAttributes(id, ctx);
  },
  async delete(id, _props, ctx) {
    await ignoreNotFound(service(ctx, "cognitoidp").call("DeleteUserPool", { UserPoolId: id }));
  },
};

const CLIENT_REPLACE = ["UserPoolId", "GenerateSecret"];

function clientAttributes(out: Props) {
  const c = out.UserPoolClient;
  return { ClientId: c.ClientId, Name: c.ClientName, ...(c.ClientSecret ? { ClientSecret: c.ClientSecret } : {}) };
}

const userPoolClient: ResourceProvider = {
  replacementProps: CLIENT_REPLACE,
  async create(props, ctx) {
    const { GenerateSecret, ...rest } = coerce(props);
    const out = await service(ctx, "cognitoidp").call("CreateUserPoolClient", { ClientName: props.ClientName ?? ctx.physicalName({ maxLength: 128 }), ...rest, ...(GenerateSecret ? { GenerateSecret: true } : {}) });
    return { physicalId: out.UserPoolClient.ClientId, attributes: clientAttributes(out) };
  },
  async update(id, props, _old, ctx) {
    const { GenerateSecret: _g, ...rest } = coerce(props);
    const out = await service(ctx, "cognitoidp").call("UpdateUserPoolClient", { ...rest, ClientId: id, ClientName: props.ClientName ?? undefined });
    return clientAttributes(out);
  },
  async delete(id, props, ctx) {
    await ignoreNotFound(service(ctx, "cognitoidp").call("DeleteUserPoolClient", { UserPoolId: props.UserPoolId, ClientId: id }));
  },
};

const userPoolGroup: ResourceProvider = {
  replacementProps: ["GroupName", "UserPoolId"],
  nameProperty: "GroupName",
  async create(props, ctx) {
    const name = String(props.GroupName ?? ctx.physicalName({ maxLength: 128 }));
    const { GroupName: _n, ...rest } = coerce(props);
    await service(ctx, "cognitoidp").call("CreateGroup", { ...rest, GroupName: name });
    return { physicalId: name };
  },
  async update(name, props, _old, ctx) {
    const { GroupName: _n, ...rest } = coerce(props);
    await service(ctx, "cognitoidp").call("UpdateGroup", { ...rest, GroupName: name });
    return {};
  },
  async delete(name, props, ctx) {
    await ignoreNotFound(service(ctx, "cognitoidp").call("DeleteGroup", { UserPoolId: props.UserPoolId, GroupName: name }));
  },
};

const userPoolDomain: ResourceProvider = {
  replacementProps: ["Domain", "UserPoolId", "CustomDomainConfig"],
  async create(props, ctx) {
    const out = await service(ctx, "cognitoidp").call("CreateUserPoolDomain", { Domain: props.Domain, UserPoolId: props.UserPoolId, ...(props.CustomDomainConfig ? { CustomDomainConfig: props.CustomDomainConfig } : {}) });
    const cloudFront = out.CloudFrontDomain ?? `${props.Domain}.auth.${ctx.region}.amazoncognito.com`;
    return { physicalId: String(props.Domain), attributes: { CloudFrontDistribution: cloudFront } };
  },
  async update(domain, _props, _old, ctx) {
    const out = await service(ctx, "cognitoidp").call("DescribeUserPoolDomain", { Domain: domain });
    return { CloudFrontDistribution: out.DomainDescription?.CloudFrontDistribution };
  },
  async delete(domain, props, ctx) {
    await service(ctx, "cognitoidp").call("DeleteUserPoolDomain", { Domain: domain, UserPoolId: props.UserPoolId }).catch(() => undefined);
  },
};

const userPoolResourceServer: ResourceProvider = {
  replacementProps: ["Identifier", "UserPoolId"],
  async create(props, ctx) {
    await service(ctx, "cognitoidp").call("CreateResourceServer", { UserPoolId: props.UserPoolId, Identifier: props.Identifier, Name: props.Name, Scopes: props.Scopes ?? [] });
    return { physicalId: String(props.Identifier) };
  },
  async update(identifier, props, _old, ctx) {
    await service(ctx, "cognitoidp").call("UpdateResourceServer", { UserPoolId: props.UserPoolId, Identifier: identifier, Name: props.Name, Scopes: props.Scopes ?? [] });
    return {};
  },
  async delete(identifier, props, ctx) {
    await ignoreNotFound(service(ctx, "cognitoidp").call("DeleteResourceServer", { UserPoolId: props.UserPoolId, Identifier: identifier }));
  },
};

const stringMap = (m: unknown): Record<string, string> => Object.fromEntries(Object.entries((m ?? {}) as Props).map(([k, v]) => [k, String(v)]));

/**
 * A federated identity provider of a pool, created in the local Cognito. OIDC providers
 * sign users in through the local hosted UI; the others sign in on servers the local cloud
 * cannot reach, which the local Cognito says once (cognito:identity-provider, printed by sst dev).
 */
const userPoolIdentityProvider: ResourceProvider = {
  replacementProps: ["ProviderName", "ProviderType", "UserPoolId"],
  async create(props, ctx) {
    await service(ctx, "cognitoidp").call("CreateIdentityProvider", {
      UserPoolId: props.UserPoolId, ProviderName: props.ProviderName, ProviderType: props.ProviderType, ProviderDetails: stringMap(props.ProviderDetails),
      ...(props.AttributeMapping ? { AttributeMapping: stringMap(props.AttributeMapping) } : {}), ...(props.IdpIdentifiers ? { IdpIdentifiers: props.IdpIdentifiers } : {}),
    });
    return { physicalId: String(props.ProviderName) };
  },
  async update(name, props, _old, ctx) {
    await service(ctx, "cognitoidp").call("UpdateIdentityProvider", {
      UserPoolId: props.UserPoolId, ProviderName: name, ProviderDetails: stringMap(props.ProviderDetails),
      AttributeMapping: stringMap(props.AttributeMapping), IdpIdentifiers: props.IdpIdentifiers ?? [],
    });
    return {};
  },
  async delete(name, props, ctx) {
    await ignoreNotFound(service(ctx, "cognitoidp").call("DeleteIdentityProvider", { UserPoolId: props.UserPoolId, ProviderName: name }));
  },
};

/** The template's identity pool settings as CreateIdentityPool / UpdateIdentityPool take them. */
function identityPoolInput(props: Props, name: string): Props {
  const { CognitoEvents: _e, CognitoStreams: _s, PushSync: _p, IdentityPoolName: _n, AllowUnauthenticatedIdentities, AllowClassicFlow, CognitoIdentityProviders, SupportedLoginProviders, IdentityPoolTags, ...rest } = props;
  return {
    ...rest, IdentityPoolName: name,
    // The template lists tags ({ Key, Value }); the API takes a map.
    ...(Array.isArray(IdentityPoolTags) && IdentityPoolTags.length ? { IdentityPoolTags: tagMap(IdentityPoolTags) } : {}),
    // CDK writes an empty map as [] (CloudFormation takes either).
    ...(SupportedLoginProviders && !Array.isArray(SupportedLoginProviders) ? { SupportedLoginProviders } : {}),
    AllowUnauthenticatedIdentities: AllowUnauthenticatedIdentities === true || AllowUnauthenticatedIdentities === "true",
    ...(AllowClassicFlow !== undefined ? { AllowClassicFlow: AllowClassicFlow === true || AllowClassicFlow === "true" } : {}),
    ...(CognitoIdentityProviders ? { CognitoIdentityProviders: coerce(CognitoIdentityProviders as Props[]).map((p) => ({ ...p, ServerSideTokenCheck: p.ServerSideTokenCheck === true || p.ServerSideTokenCheck === "true" })) } : {}),
  };
}

const identityPoolName = (props: Props, ctx: ProviderContext) => String(props.IdentityPoolName ?? ctx.physicalName({ maxLength: 128 }));

const identityPool: ResourceProvider = {
  async create(props, ctx) {
    const name = identityPoolName(props, ctx);
    const out = await service(ctx, "cognitoidentity").call("CreateIdentityPool", identityPoolInput(props, name));
    return { physicalId: out.IdentityPoolId, attributes: { Id: out.IdentityPoolId, Name: name } };
  },
  async update(id, props, old, ctx) {
    const idp = service(ctx, "cognitoidentity");
    const current = await idp.call("DescribeIdentityPool", { IdentityPoolId: id });
    const name = props.IdentityPoolName !== undefined ? identityPoolName(props, ctx) : current.IdentityPoolName;
    void old;
    await idp.call("UpdateIdentityPool", { IdentityPoolId: id, ...identityPoolInput(props, name) });
    return { Id: id, Name: name };
  },
  async delete(id, _props, ctx) {
    await ignoreNotFound(service(ctx, "cognitoidentity").call("DeleteIdentityPool", { IdentityPoolId: id }));
  },
};

/**
 * The template names each role mapping with a key of its own and says whose it is in
 * `IdentityProvider`; the API keys mappings by that provider ("<provider>:<app client id>").
 */
function roleAttachmentInput(props: Props): Props {
  const mappings: Props = {};
  for (const mapping of Object.values((props.RoleMappings ?? {}) as Record<string, Props>)) {
    const { IdentityProvider, ...rest } = mapping;
    mappings[String(IdentityProvider)] = rest;
  }
  return { IdentityPoolId: props.IdentityPoolId, Roles: props.Roles ?? {}, ...(Object.keys(mappings).length ? { RoleMappings: mappings } : {}) };
}

const identityPoolRoleAttachment: ResourceProvider = {
  replacementProps: ["IdentityPoolId"],
  async create(props, ctx) {
    await service(ctx, "cognitoidentity").call("SetIdentityPoolRoles", roleAttachmentInput(props));
    return { physicalId: `${props.IdentityPoolId}-roles` };
  },
  async update(_id, props, _old, ctx) {
    await service(ctx, "cognitoidentity").call("SetIdentityPoolRoles", roleAttachmentInput(props));
    return {};
  },
  async delete(_id, props, ctx) {
    await ignoreNotFound(service(ctx, "cognitoidentity").call("SetIdentityPoolRoles", { IdentityPoolId: props.IdentityPoolId, Roles: {} }));
  },
};

export const cognitoProviders: Record<string, ResourceProvider> = {
  "AWS::Cognito::UserPool": userPool,
  "AWS::Cognito::UserPoolClient": userPoolClient,
  "AWS::Cognito::UserPoolDomain": userPoolDomain,
  "AWS::Cognito::UserPoolGroup": userPoolGroup,
  "AWS::Cognito::UserPoolIdentityProvider": userPoolIdentityProvider,
  "AWS::Cognito::UserPoolResourceServer": userPoolResourceServer,
  "AWS::Cognito::IdentityPool": identityPool,
  "AWS::Cognito::IdentityPoolRoleAttachment": identityPoolRoleAttachment,
  // CDK's OpenIdConnectProvider (a custom resource): the provider's ARN, nothing behind it.
  "Custom::AWSCDKOpenIdConnectProvider": recordedProvider({
    replacementProps: ["Url"],
    id: (p, ctx) => arn(ctx, "iam", `oidc-provider/${String(p.Url).replace(/^https:\/\//, "")}`, true),
  }),
};
