/**
 * Identity pools: managing them and their roles, and the calls an app makes without
 * credentials to get some — GetId (an identity for a guest, or for a user pool sign-in,
 * the same one each time), GetCredentialsForIdentity (session credentials of the
 * authenticated or unauthenticated role, which the local IAM then enforces) and
 * GetOpenIdToken. Logins of the local cloud's user pools are verified against the pool's
 * keys, in-process; logins of outside providers cannot be checked offline and are refused.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import type { Kernel } from "../../kernel/kernel.js";
import { checkJwtSignature, decodeJwt, JwksCache, localUserPoolKeys } from "../../auth/jwt-verify.js";
import type { IdentityPoolStore } from "./store.js";
import { trustAllows } from "./trust.js";

type Logins = Record<string, string> | undefined;

const notAuthorized = (message: string) => new AwsError("NotAuthorizedException", message);
const invalidConfiguration = () => new AwsError("InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.");

const POOL_SETTINGS = ["AllowUnauthenticatedIdentities", "AllowClassicFlow", "SupportedLoginProviders", "DeveloperProviderName", "OpenIdConnectProviderARNs", "CognitoIdentityProviders", "SamlProviderARNs", "IdentityPoolTags"];

interface VerifiedLogin {
  provider: string;
  subject: string;
  claims: Record<string, any>;
}

export class IdentityPoolOperations {
  private readonly jwks: JwksCache;
  private openIdKey?: { kid: string; pem: string };

  constructor(
    private readonly store: IdentityPoolStore,
    private readonly kernel: Kernel,
  ) {
    // Outside issuers are never fetched: a login must be of a local user pool.
    this.jwks = new JwksCache(60_000, 60_000, 1, () => "", localUserPoolKeys(kernel.clients));
  }

  private pool(id: string) {
    const row = this.store.pool(id);
    if (!row) throw new AwsError("ResourceNotFoundException", `IdentityPool '${id}' not found.`);
    return { row, description: JSON.parse(row.description) as Record<string, any>, roles: JSON.parse(row.roles) as { Roles?: Record<string, string>; RoleMappings?: Record<string, any> } };
  }

  CreateIdentityPool(input: Record<string, any>) {
    const id = `${this.kernel.region}:${randomUUID()}`;
    const description: Record<string, any> = { IdentityPoolId: id, IdentityPoolName: input.IdentityPoolName };
    for (const k of POOL_SETTINGS) if (input[k] !== undefined) description[k] = input[k];
    description.AllowUnauthenticatedIdentities = input.AllowUnauthenticatedIdentities === true;
    this.store.putPool({ id, description: JSON.stringify(description), roles: "{}", created: Date.now() / 1000 });
    return description;
  }

  DescribeIdentityPool(input: { IdentityPoolId: string }) {
    return this.pool(input.IdentityPoolId).description;
  }

  ListIdentityPools(input: { MaxResults: number; NextToken?: string }) {
    const all = this.store.pools();
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, "base64url").toString()) || 0 : 0;
    const page = all.slice(start, start + input.MaxResults).map((r) => {
      const d = JSON.parse(r.description);
      return { IdentityPoolId: d.IdentityPoolId, IdentityPoolName: d.IdentityPoolName };
    });
    return { IdentityPools: page, ...(start + input.MaxResults < all.length ? { NextToken: Buffer.from(String(start + input.MaxResults)).toString("base64url") } : {}) };
  }

  UpdateIdentityPool(input: Record<string, any>) {
    const { row } = this.pool(input.IdentityPoolId);
    const description: Record<string, any> = { IdentityPoolId: row.id, IdentityPoolName: input.IdentityPoolName };
    for (const k of POOL_SETTINGS) if (input[k] !== undefined) description[k] = input[k];
    description.AllowUnauthenticatedIdentities = input.AllowUnauthenticatedIdentities === true;
    this.store.putPool({ ...row, description: JSON.stringify(description) });
    return description;
  }

  DeleteIdentityPool(input: { IdentityPoolId: string }) {
    this.pool(input.IdentityPoolId);
    this.store.deletePool(input.IdentityPoolId);
    return {};
  }

  SetIdentityPoolRoles(input: { IdentityPoolId: string; Roles: Record<string, string>; RoleMappings?: Record<string, any> }) {
    const { row } = this.pool(input.IdentityPoolId);
    for (const key of Object.keys(input.Roles)) {
      if (key !== "authenticated" && key !== "unauthenticated") throw new AwsError("InvalidParameterException", `Invalid role key: ${key}. Valid values are authenticated and unauthenticated.`);
    }
    this.store.putPool({ ...row, roles: JSON.stringify({ Roles: input.Roles, ...(input.RoleMappings ? { RoleMappings: input.RoleMappings } : {}) }) });
    return {};
  }

  GetIdentityPoolRoles(input: { IdentityPoolId: string }) {
    const { row, roles } = this.pool(input.IdentityPoolId);
    return { IdentityPoolId: row.id, Roles: roles.Roles ?? {}, ...(roles.RoleMappings ? { RoleMappings: roles.RoleMappings } : {}) };
  }

  /** Each login checked: a local user pool's ID token, of a client the pool lists, valid and unexpired. */
  private async verifyLogins(description: Record<string, any>, logins: Logins): Promise<VerifiedLogin[]> {
    const out: VerifiedLogin[] = [];
    for (const [provider, token] of Object.entries(logins ?? {})) {
      const providers = (description.CognitoIdentityProviders ?? []) as { ProviderName?: string; ClientId?: string }[];
      const listed = providers.filter((p) => p.ProviderName === provider);
      if (!/^cognito-idp\./.test(provider)) {
        if (description.SupportedLoginProviders?.[provider] !== undefined) {
          throw notAuthorized(`Invalid login token. The local cloud cannot verify tokens of ${provider} (no network); sign in with a user pool of the local cloud instead.`);
        }
        throw notAuthorized("Invalid login token. Token is not from a supported provider of this identity pool.");
      }
      if (!listed.length) throw notAuthorized("Invalid login token. Token is not from a supported provider of this identity pool.");
      const jwt = decodeJwt(token);
      if (!jwt) throw notAuthorized("Invalid login token. Not a valid OpenId Connect identity token.");
      if (jwt.payload.iss !== `https://${provider}`) throw notAuthorized("Invalid login token. Issuer doesn't match providerName");
      if (jwt.payload.token_use !== "id") throw notAuthorized("Invalid login token. Not a valid OpenId Connect identity token.");
      const keys = await this.jwks.keysFor(jwt.payload.iss);
      if (!keys || checkJwtSignature(jwt, keys) !== "valid") throw notAuthorized("Invalid login token. Couldn't verify signed token.");
      const now = Math.floor(Date.now() / 1000);
      if (typeof jwt.payload.exp !== "number" || jwt.payload.exp <= now) {
        throw notAuthorized(`Invalid login token. Token expired: ${now} >= ${jwt.payload.exp}`);
      }
      if (!listed.some((p) => p.ClientId === undefined || p.ClientId === jwt.payload.aud)) throw notAuthorized("Invalid login token. Incorrect token audience.");
      out.push({ provider, subject: String(jwt.payload.sub), claims: jwt.payload });
    }
    return out;
  }

  async GetId(input: { AccountId?: string; IdentityPoolId: string; Logins?: Logins }) {
    const { row, description } = this.pool(input.IdentityPoolId);
    const logins = await this.verifyLogins(description, input.Logins);
    if (!logins.length) {
      if (!description.AllowUnauthenticatedIdentities) throw notAuthorized("Unauthenticated access is not supported for this identity pool.");
      return { IdentityId: this.newIdentity(row.id) };
    }
    for (const l of logins) {
      const existing = this.store.identityForLogin(row.id, l.provider, l.subject);
      if (existing) return { IdentityId: existing };
    }
    const id = this.newIdentity(row.id);
    for (const l of logins) this.store.linkLogin(row.id, l.provider, l.subject, id);
    return { IdentityId: id };
  }

  private newIdentity(poolId: string): string {
    const id = `${this.kernel.region}:${randomUUID()}`;
    const now = Date.now() / 1000;
    this.store.insertIdentity({ id, pool_id: poolId, logins: "[]", created: now, modified: now });
    return id;
  }

  /** The identity, its pool, and the logins given for it (which must be its own). */
  private async identityWithLogins(identityId: string, logins: Logins) {
    const identity = this.store.identity(identityId);
    if (!identity) throw new AwsError("ResourceNotFoundException", `Identity '${identityId}' not found.`);
    const pool = this.pool(identity.pool_id);
    const verified = await this.verifyLogins(pool.description, logins);
    const linked = this.store.loginsOf(identityId);
    for (const l of verified) {
      const owner = this.store.identityForLogin(pool.row.id, l.provider, l.subject);
      if (owner && owner !== identityId) throw notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");
      if (!owner) this.store.linkLogin(pool.row.id, l.provider, l.subject, identityId);
    }
    if (linked.length && !verified.length) throw notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");
    if (!verified.length && !pool.description.AllowUnauthenticatedIdentities) throw notAuthorized("Unauthenticated access is not supported for this identity pool.");
    return { identity, pool, verified };
  }

  /** The role an identity gets: a role mapping's choice for its login, else the pool's role for its kind. */
  private roleFor(pool: ReturnType<IdentityPoolOperations["pool"]>, verified: VerifiedLogin[], customRoleArn?: string): string {
    const roles = pool.roles.Roles ?? {};
    if (!verified.length) {
      if (!roles.unauthenticated) throw invalidConfiguration();
      return roles.unauthenticated;
    }
    for (const login of verified) {
      // Mappings are keyed "<provider>:<app client id>" for user pools.
      const mapping = pool.roles.RoleMappings?.[`${login.provider}:${login.claims.aud}`] ?? pool.roles.RoleMappings?.[login.provider];
      if (!mapping) continue;
      let chosen: string | undefined;
      if (mapping.Type === "Token") {
        const allowed: string[] = Array.isArray(login.claims["cognito:roles"]) ? login.claims["cognito:roles"] : [];
        chosen = customRoleArn && allowed.includes(customRoleArn) ? customRoleArn : login.claims["cognito:preferred_role"];
      } else if (mapping.Type === "Rules") {
        for (const rule of mapping.RulesConfiguration?.Rules ?? []) {
          const claim = login.claims[rule.Claim];
          const value = Array.isArray(claim) ? claim.map(String) : claim === undefined ? [] : [String(claim)];
          const hit = value.some((v) =>
            rule.MatchType === "Equals" ? v === rule.Value : rule.MatchType === "Contains" ? v.includes(rule.Value) : rule.MatchType === "StartsWith" ? v.startsWith(rule.Value) : rule.MatchType === "NotEqual" ? v !== rule.Value : false);
          if (hit) {
            chosen = rule.RoleARN;
            break;
          }
        }
      }
      if (chosen) return chosen;
      if (mapping.AmbiguousRoleResolution === "Deny") throw new AwsError("AccessDeniedException", "Unable to determine a role for this identity; the role mapping denies ambiguous resolutions.");
    }
    if (!roles.authenticated) throw invalidConfiguration();
    return roles.authenticated;
  }

  async GetCredentialsForIdentity(input: { IdentityId: string; Logins?: Logins; CustomRoleArn?: string }) {
    const { identity, pool, verified } = await this.identityWithLogins(input.IdentityId, input.Logins);
    const roleArn = this.roleFor(pool, verified, input.CustomRoleArn);
    const role = this.kernel.identity.role(roleArn);
    const amr = verified.length ? ["authenticated", ...verified.map((l) => l.provider), ...verified.map((l) => `${l.provider}:CognitoSignIn:${l.subject}`)] : ["unauthenticated"];
    if (!role || !trustAllows(role.assumeRolePolicyDocument, pool.row.id, amr)) throw invalidConfiguration();
    const credentials = this.kernel.identity.issueSessionCredentials(roleArn, "CognitoIdentityCredentials", 3600, { identityId: identity.id, identityPoolId: pool.row.id, amr });
    return {
      IdentityId: identity.id,
      Credentials: {
        AccessKeyId: credentials.accessKeyId, SecretKey: credentials.secretAccessKey, SessionToken: credentials.sessionToken,
        Expiration: credentials.expiration.getTime() / 1000,
      },
    };
  }

  async GetOpenIdToken(input: { IdentityId: string; Logins?: Logins }) {
    const { identity, verified } = await this.identityWithLogins(input.IdentityId, input.Logins);
    const key = this.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      sub: identity.id, aud: identity.pool_id, "https://cognito-identity.amazonaws.com/identity-pool-arn": `arn:aws:cognito-identity:${this.kernel.region}:${this.kernel.accountId}:identitypool/${identity.pool_id}`,
      amr: verified.length ? ["authenticated", ...verified.map((l) => l.provider)] : ["unauthenticated"],
      iss: "https://cognito-identity.amazonaws.com", exp: now + 600, iat: now,
    };
    const h = Buffer.from(JSON.stringify({ kid: key.kid, typ: "JWS", alg: "RS512" })).toString("base64url");
    const p = Buffer.from(JSON.stringify(payload)).toString("base64url");
    const sig = sign("sha512", Buffer.from(`${h}.${p}`), createPrivateKey(key.pem)).toString("base64url");
    return { IdentityId: identity.id, Token: `${h}.${p}.${sig}` };
  }

  private signingKey(): { kid: string; pem: string } {
    return (this.openIdKey ??= JSON.parse(this.store.signingKey(() => {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      return JSON.stringify({ kid: `${this.kernel.region}-local-1`, pem: privateKey.export({ type: "pkcs8", format: "pem" }) });
    })));
  }
}
