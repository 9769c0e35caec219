/**
 * A user pool's federated identity providers (CreateIdentityProvider and friends): an OIDC
 * issuer, a social provider (Google, Facebook, Login with Amazon, Sign in with Apple) or a
 * SAML IdP, with its ProviderDetails, the AttributeMapping from its claims to the pool's
 * attributes, and the IdpIdentifiers the hosted UI's `idp_identifier` picks it by. Kept in
 * the user pools' database, in a table of their own, checked as Cognito checks them.
 * The hosted UI signs users in through OIDC providers (hosted-ui/federation.ts).
 */
import { AwsError } from "../../server/aws-error.js";
import type { Directory } from "./directory.js";
import { invalidParameter } from "./errors.js";
import { page } from "./pagination.js";

export type ProviderType = "SAML" | "Facebook" | "Google" | "LoginWithAmazon" | "SignInWithApple" | "OIDC";

export interface IdentityProvider {
  UserPoolId: string;
  ProviderName: string;
  ProviderType: ProviderType;
  ProviderDetails: Record<string, string>;
  AttributeMapping: Record<string, string>;
  IdpIdentifiers: string[];
  LastModifiedDate: number;
  CreationDate: number;
}

/** The social providers' fixed names: a Google provider is called "Google", and nothing else may be. */
const SOCIAL_NAMES: Partial<Record<ProviderType, string>> = { Google: "Google", Facebook: "Facebook", LoginWithAmazon: "LoginWithAmazon", SignInWithApple: "SignInWithApple" };
const RESERVED_NAMES = new Set(["cognito", ...Object.values(SOCIAL_NAMES).map((n) => n!.toLowerCase())]);

/** The ProviderDetails each type needs (an OIDC issuer either by discovery or all four endpoints). */
const REQUIRED_DETAILS: Record<ProviderType, string[]> = {
  Google: ["client_id", "client_secret", "authorize_scopes"],
  Facebook: ["client_id", "client_secret", "authorize_scopes"],
  LoginWithAmazon: ["client_id", "client_secret", "authorize_scopes"],
  SignInWithApple: ["client_id", "team_id", "key_id", "private_key", "authorize_scopes"],
  OIDC: ["client_id", "attributes_request_method", "oidc_issuer", "authorize_scopes"],
  SAML: [],
};

/** What a provider's users are named after when the mapping does not say (its user id claim). */
const DEFAULT_USERNAME_CLAIM: Partial<Record<ProviderType, string>> = { OIDC: "sub", Google: "sub", SignInWithApple: "sub", Facebook: "id", LoginWithAmazon: "user_id" };

/** Endpoints the hosted UI reads from discovery when ProviderDetails does not give them. */
export const OIDC_ENDPOINT_DETAILS = ["authorize_url", "token_url", "attributes_url", "jwks_uri"] as const;

const providerNotFound = (name: string) => new AwsError("ResourceNotFoundException", `Identity provider ${name} does not exist.`);

function ensureTables(dir: Directory): void {
  dir.store.db.exec(`CREATE TABLE IF NOT EXISTS identity_providers (pool_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, PRIMARY KEY (pool_id, name))`);
}

/** A pool's provider by name (none when the pool or the provider is gone). */
export function findIdentityProvider(dir: Directory, poolId: string, name: string): IdentityProvider | undefined {
  ensureTables(dir);
  const row = dir.store.db.prepare("SELECT description FROM identity_providers WHERE pool_id = ? AND name = ?").get(poolId, name) as { description: string } | undefined;
  return row && (JSON.parse(row.description) as IdentityProvider);
}

export function identityProvidersOf(dir: Directory, poolId: string): IdentityProvider[] {
  ensureTables(dir);
  const rows = dir.store.db.prepare("SELECT description FROM identity_providers WHERE pool_id = ? ORDER BY rowid").all(poolId) as { description: string }[];
  return rows.map((r) => JSON.parse(r.description) as IdentityProvider);
}

/** The provider an `idp_identifier` names (identifiers compare case-insensitively, as Cognito does). */
export function identityProviderByIdentifier(dir: Directory, poolId: string, identifier: string): IdentityProvider | undefined {
  const wanted = identifier.toLowerCase();
  return identityProvidersOf(dir, poolId).find((p) => p.IdpIdentifiers.some((i) => i.toLowerCase() === wanted));
}

/** The claim a provider's users are named by: the mapping's `username`, else the type's user id claim. */
export function usernameClaimOf(provider: IdentityProvider): string {
  return provider.AttributeMapping.username ?? DEFAULT_USERNAME_CLAIM[provider.ProviderType] ?? "sub";
}

interface ProviderInput {
  UserPoolId: string;
  ProviderName: string;
  ProviderType?: ProviderType;
  ProviderDetails?: Record<string, string>;
  AttributeMapping?: Record<string, string>;
  IdpIdentifiers?: string[];
}

export class IdentityProviderOperations {
  constructor(private readonly dir: Directory) {
    ensureTables(dir);
  }

  private save(provider: IdentityProvider): void {
    this.dir.store.db.prepare("INSERT OR REPLACE INTO identity_providers VALUES (?, ?, ?)").run(provider.UserPoolId, provider.ProviderName, JSON.stringify(provider));
  }

  private existing(poolId: string, name: string): IdentityProvider {
    return findIdentityProvider(this.dir, poolId, name) ?? (() => { throw providerNotFound(name); })();
  }

  /** ProviderDetails as the type needs them: the required keys, OIDC's request method, SAML's metadata. */
  private checkDetails(type: ProviderType, details: Record<string, string>): void {
    for (const key of REQUIRED_DETAILS[type]) {
      if (!details[key]) throw invalidParameter(`${key} is a required field for provider type ${type}.`);
    }
    if (type === "OIDC") {
      const method = details.attributes_request_method;
      if (method !== "GET" && method !== "POST") throw invalidParameter("attributes_request_method must be GET or POST.");
      if (!/^https?:\/\//.test(details.oidc_issuer!)) throw invalidParameter("oidc_issuer must be a URL.");
      const explicit = OIDC_ENDPOINT_DETAILS.filter((k) => details[k]);
      if (explicit.length && explicit.length !== OIDC_ENDPOINT_DETAILS.length) {
        throw invalidParameter(`authorize_url, token_url, attributes_url and jwks_uri are given together or not at all (discovery from oidc_issuer); missing ${OIDC_ENDPOINT_DETAILS.filter((k) => !details[k]).join(", ")}.`);
      }
    }
    if (type === "SAML" && !details.MetadataURL && !details.MetadataFile) throw invalidParameter("Either MetadataURL or MetadataFile is required for provider type SAML.");
  }

  /** IdpIdentifiers: unique within the pool (another provider's identifier is refused). */
  private checkIdentifiers(poolId: string, name: string, identifiers: string[]): void {
    const seen = new Set<string>();
    for (const id of identifiers) {
      const key = id.toLowerCase();
      if (seen.has(key)) throw invalidParameter(`Duplicate identifier ${id} in IdpIdentifiers.`);
      seen.add(key);
      const owner = identityProviderByIdentifier(this.dir, poolId, id);
      if (owner && owner.ProviderName !== name) throw new AwsError("DuplicateProviderException", `Identifier ${id} is already used by identity provider ${owner.ProviderName}.`);
    }
  }

  private withDefaults(type: ProviderType, details: Record<string, string>, mapping: Record<string, string>) {
    const username = DEFAULT_USERNAME_CLAIM[type];
    return {
      details: type === "OIDC" ? { attributes_url_add_attributes: "false", ...details } : { ...details },
      mapping: username && !mapping.username ? { ...mapping, username } : { ...mapping },
    };
  }

  CreateIdentityProvider(input: ProviderInput & { ProviderType: ProviderType; ProviderDetails: Record<string, string> }) {
    const pool = this.dir.pool(input.UserPoolId);
    const type = input.ProviderType;
    const social = SOCIAL_NAMES[type];
    if (social && input.ProviderName !== social) throw invalidParameter(`The provider name for provider type ${type} must be ${social}.`);
    if (!social && RESERVED_NAMES.has(input.ProviderName.toLowerCase())) throw invalidParameter(`Provider name ${input.ProviderName} is reserved.`);
    if (findIdentityProvider(this.dir, pool.id, input.ProviderName)) throw new AwsError("DuplicateProviderException", `A provider with the name ${input.ProviderName} already exists in this user pool.`);
    this.checkDetails(type, input.ProviderDetails);
    const identifiers = input.IdpIdentifiers ?? [];
    this.checkIdentifiers(pool.id, input.ProviderName, identifiers);
    const { details, mapping } = this.withDefaults(type, input.ProviderDetails, input.AttributeMapping ?? {});
    const at = Date.now() / 1000;
    const provider: IdentityProvider = {
      UserPoolId: pool.id, ProviderName: input.ProviderName, ProviderType: type, ProviderDetails: details, AttributeMapping: mapping,
      IdpIdentifiers: identifiers, LastModifiedDate: at, CreationDate: at,
    };
    this.save(provider);
    if (type !== "OIDC") {
      this.dir.kernel.events.emit("cognito:identity-provider", { userPoolId: pool.id, providerName: provider.ProviderName, providerType: type, local: unreachableProviderMessage(provider) });
    }
    return { IdentityProvider: provider };
  }

  DescribeIdentityProvider(input: { UserPoolId: string; ProviderName: string }) {
    this.dir.pool(input.UserPoolId);
    return { IdentityProvider: this.existing(input.UserPoolId, input.ProviderName) };
  }

  GetIdentityProviderByIdentifier(input: { UserPoolId: string; IdpIdentifier: string }) {
    this.dir.pool(input.UserPoolId);
    const found = identityProviderByIdentifier(this.dir, input.UserPoolId, input.IdpIdentifier);
    if (!found) throw new AwsError("ResourceNotFoundException", `Identity provider with identifier ${input.IdpIdentifier} does not exist.`);
    return { IdentityProvider: found };
  }

  ListIdentityProviders(input: { UserPoolId: string; MaxResults?: number; NextToken?: string }) {
    this.dir.pool(input.UserPoolId);
    const { items, next } = page(identityProvidersOf(this.dir, input.UserPoolId), input.MaxResults || 60, input.NextToken);
    return {
      Providers: items.map((p) => ({ ProviderName: p.ProviderName, ProviderType: p.ProviderType, LastModifiedDate: p.LastModifiedDate, CreationDate: p.CreationDate })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /** What is given replaces what was there (details merged over the old ones, as Cognito keeps unsent secrets). */
  UpdateIdentityProvider(input: ProviderInput) {
    this.dir.pool(input.UserPoolId);
    const old = this.existing(input.UserPoolId, input.ProviderName);
    const merged = input.ProviderDetails ? { ...old.ProviderDetails, ...input.ProviderDetails } : old.ProviderDetails;
    if (input.ProviderDetails) this.checkDetails(old.ProviderType, merged);
    const identifiers = input.IdpIdentifiers ?? old.IdpIdentifiers;
    this.checkIdentifiers(old.UserPoolId, old.ProviderName, identifiers);
    const { details, mapping } = this.withDefaults(old.ProviderType, merged, input.AttributeMapping ?? old.AttributeMapping);
    const provider: IdentityProvider = { ...old, ProviderDetails: details, AttributeMapping: mapping, IdpIdentifiers: identifiers, LastModifiedDate: Date.now() / 1000 };
    this.save(provider);
    return { IdentityProvider: provider };
  }

  DeleteIdentityProvider(input: { UserPoolId: string; ProviderName: string }) {
    this.dir.pool(input.UserPoolId);
    this.existing(input.UserPoolId, input.ProviderName);
    this.dir.store.db.prepare("DELETE FROM identity_providers WHERE pool_id = ? AND name = ?").run(input.UserPoolId, input.ProviderName);
    return {};
  }
}

/** What the local hosted UI says of a provider that signs in on servers it cannot reach. */
export function unreachableProviderMessage(provider: Pick<IdentityProvider, "ProviderName" | "ProviderType">): string {
  return provider.ProviderType === "SAML"
    ? `${provider.ProviderName} is a SAML identity provider: the local Cognito does not speak SAML, so it cannot sign users in through it. Locally, use an OIDC identity provider (for instance a local issuer) or the pool's own users.`
    : `${provider.ProviderName} signs users in on ${provider.ProviderType}'s own servers, which the local cloud does not reach (no internet, no app registered with them). Locally, use an OIDC identity provider pointed at a local issuer, or the pool's own users.`;
}

/** Cognito's check of a client's SupportedIdentityProviders: COGNITO, or a provider the pool has. */
export function checkSupportedIdentityProviders(dir: Directory, poolId: string, names: string[] | undefined): void {
  for (const name of names ?? []) {
    if (name === "COGNITO") continue;
    if (!findIdentityProvider(dir, poolId, name)) throw invalidParameter(`The provider ${name} does not exist for User Pool ${poolId}`);
  }
}
