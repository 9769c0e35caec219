/**
 * Managing user pools, their app clients, domains and groups (the admin side, IAM-checked
 * against the pool's ARN by index.ts).
 */
import { randomBytes } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import { poolSchema } from "./attributes.js";
import type { Directory, Pool } from "./directory.js";
import { groupNotFound, invalidParameter } from "./errors.js";
import { DEFAULT_POLICY } from "./passwords.js";
import type { GroupRow } from "./store.js";
import { newPoolKey } from "./tokens.js";
import { page } from "./pagination.js";
import { checkSupportedIdentityProviders } from "./identity-providers.js";
import { checkOAuthClientSettings } from "./hosted-ui/scopes.js";
import { localDomainUrl } from "./hosted-ui/domain-host.js";

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const random = (length: number, alphabet = ALNUM) => [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
const now = () => Date.now() / 1000;

/** What a pool's description keeps of a CreateUserPool / UpdateUserPool input. */
const POOL_SETTINGS = [
  "Policies", "DeletionProtection", "LambdaConfig", "AutoVerifiedAttributes", "AliasAttributes", "UsernameAttributes", "SmsVerificationMessage",
  "EmailVerificationMessage", "EmailVerificationSubject", "VerificationMessageTemplate", "SmsAuthenticationMessage", "MfaConfiguration",
  "UserAttributeUpdateSettings", "DeviceConfiguration", "EmailConfiguration", "SmsConfiguration", "UserPoolTags", "AdminCreateUserConfig",
  "UserPoolAddOns", "UsernameConfiguration", "AccountRecoverySetting", "UserPoolTier",
] as const;
/** What UpdateUserPool may not change. */
const FIXED_ON_UPDATE = new Set(["AliasAttributes", "UsernameAttributes", "UsernameConfiguration"]);

const CLIENT_SETTINGS = [
  "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "TokenValidityUnits", "ReadAttributes", "WriteAttributes", "ExplicitAuthFlows",
  "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs", "DefaultRedirectURI", "AllowedOAuthFlows", "AllowedOAuthScopes",
  "AllowedOAuthFlowsUserPoolClient", "AnalyticsConfiguration", "PreventUserExistenceErrors", "EnableTokenRevocation",
  "EnablePropagateAdditionalUserContextData", "AuthSessionValidity",
] as const;


function pick(input: Record<string, any>, keys: readonly string[]): Record<string, any> {
  const out: Record<string, any> = {};
  for (const k of keys) if (input[k] !== undefined) out[k] = input[k];
  return out;
}

export class PoolOperations {
  constructor(private readonly dir: Directory) {}

  private checkPoolSettings(input: Record<string, any>): void {
    if (input.AliasAttributes?.length && input.UsernameAttributes?.length) {
      throw invalidParameter("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.");
    }
    const policy = input.Policies?.PasswordPolicy;
    if (policy?.MinimumLength !== undefined && (policy.MinimumLength < 6 || policy.MinimumLength > 99)) {
      throw invalidParameter("Password policy minimum length must be between 6 and 99.");
    }
  }

  CreateUserPool(input: Record<string, any>) {
    this.checkPoolSettings(input);
    const id = `${this.dir.region}_${random(9)}`;
    const at = now();
    const description: Record<string, any> = {
      Id: id, Name: input.PoolName, ...pick(input, POOL_SETTINGS),
      Policies: { ...input.Policies, PasswordPolicy: { ...DEFAULT_POLICY, ...input.Policies?.PasswordPolicy } },
      LambdaConfig: input.LambdaConfig ?? {},
      SchemaAttributes: poolSchema(input.Schema),
      MfaConfiguration: input.MfaConfiguration ?? "OFF",
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7, ...input.AdminCreateUserConfig },
      UsernameConfiguration: input.UsernameConfiguration ?? { CaseSensitive: true },
      DeletionProtection: input.DeletionProtection ?? "INACTIVE",
      VerificationMessageTemplate: { DefaultEmailOption: "CONFIRM_WITH_CODE", ...input.VerificationMessageTemplate },
      Arn: this.dir.poolArn(id), CreationDate: at, LastModifiedDate: at,
    };
    this.dir.store.insertPool({ id, name: input.PoolName, description: JSON.stringify(description), signing_key: JSON.stringify(newPoolKey()), created: at });
    return { UserPool: this.describe(this.dir.pool(id)) };
  }

  private describe(pool: Pool): Record<string, any> {
    return { ...pool.description, EstimatedNumberOfUsers: this.dir.store.userCount(pool.id) };
  }

  DescribeUserPool(input: { UserPoolId: string }) {
    return { UserPool: this.describe(this.dir.pool(input.UserPoolId)) };
  }

  ListUserPools(input: { MaxResults: number; NextToken?: string }) {
    const { items, next } = page(this.dir.store.pools(), input.MaxResults, input.NextToken);
    return {
      UserPools: items.map((row) => {
        const d = JSON.parse(row.description);
        return { Id: d.Id, Name: d.Name, LambdaConfig: d.LambdaConfig, LastModifiedDate: d.LastModifiedDate, CreationDate: d.CreationDate };
      }),
      ...(next ? { NextToken: next } : {}),
    };
  }

  UpdateUserPool(input: Record<string, any>) {
    const pool = this.dir.pool(input.UserPoolId);
    this.checkPoolSettings({ ...pool.description, ...input });
    const updatable = POOL_SETTINGS.filter((k) => !FIXED_ON_UPDATE.has(k));
    const description = { ...pool.description };
    // UpdateUserPool resets what the request leaves out to its default, as AWS does.
    for (const k of updatable) delete description[k];
    Object.assign(description, pick(input, updatable), {
      Policies: { ...input.Policies, PasswordPolicy: { ...DEFAULT_POLICY, ...input.Policies?.PasswordPolicy } },
      LambdaConfig: input.LambdaConfig ?? {},
      MfaConfiguration: input.MfaConfiguration ?? "OFF",
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7, ...input.AdminCreateUserConfig },
      DeletionProtection: input.DeletionProtection ?? "INACTIVE",
      VerificationMessageTemplate: { DefaultEmailOption: "CONFIRM_WITH_CODE", ...input.VerificationMessageTemplate },
      UsernameConfiguration: pool.description.UsernameConfiguration,
      LastModifiedDate: now(),
    });
    this.dir.store.setPoolDescription(pool.id, JSON.stringify(description));
    return {};
  }

  AddCustomAttributes(input: { UserPoolId: string; CustomAttributes: Record<string, any>[] }) {
    const pool = this.dir.pool(input.UserPoolId);
    const existing = new Set((pool.description.SchemaAttributes as { Name: string }[]).map((a) => a.Name));
    for (const a of input.CustomAttributes) {
      const name = String(a.Name).startsWith("custom:") ? a.Name : `custom:${a.Name}`;
      if (existing.has(name)) throw invalidParameter(`Existing attribute already has name ${name}.`);
    }
    const custom = input.CustomAttributes.map((a) => ({ ...a, Name: String(a.Name).startsWith("custom:") ? a.Name : `custom:${a.Name}` }));
    const description = { ...pool.description, SchemaAttributes: poolSchema([...pool.description.SchemaAttributes, ...custom]), LastModifiedDate: now() };
    this.dir.store.setPoolDescription(pool.id, JSON.stringify(description));
    return {};
  }

  DeleteUserPool(input: { UserPoolId: string }) {
    const pool = this.dir.pool(input.UserPoolId);
    if (pool.description.DeletionProtection === "ACTIVE") {
      throw invalidParameter("The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.");
    }
    this.dir.store.deletePool(pool.id);
    return {};
  }

  /** (The model's enum checks each flow's name.) */
  private checkClientSettings(input: Record<string, any>): void {
    const legacy = (input.ExplicitAuthFlows ?? []).some((f: string) => !f.startsWith("ALLOW_"));
    const modern = (input.ExplicitAuthFlows ?? []).some((f: string) => f.startsWith("ALLOW_"));
    if (legacy && modern) throw invalidParameter("Cannot combine ALLOW_ and non-ALLOW_ auth flows.");
  }

  CreateUserPoolClient(input: Record<string, any>) {
    const pool = this.dir.pool(input.UserPoolId);
    this.checkClientSettings(input);
    checkOAuthClientSettings(this.dir, pool.id, input, Boolean(input.GenerateSecret));
    checkSupportedIdentityProviders(this.dir, pool.id, input.SupportedIdentityProviders);
    const id = random(26, "abcdefghijklmnopqrstuvwxyz0123456789");
    const at = now();
    const description = {
      UserPoolId: pool.id, ClientName: input.ClientName, ClientId: id, ...pick(input, CLIENT_SETTINGS),
      RefreshTokenValidity: input.RefreshTokenValidity ?? 30,
      TokenValidityUnits: input.TokenValidityUnits ?? {},
      ExplicitAuthFlows: input.ExplicitAuthFlows ?? ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"],
      AllowedOAuthFlowsUserPoolClient: input.AllowedOAuthFlowsUserPoolClient ?? false,
      EnableTokenRevocation: input.EnableTokenRevocation ?? true,
      EnablePropagateAdditionalUserContextData: input.EnablePropagateAdditionalUserContextData ?? false,
      AuthSessionValidity: input.AuthSessionValidity ?? 3,
      LastModifiedDate: at, CreationDate: at,
    };
    const secret = input.GenerateSecret ? random(51, "abcdefghijklmnopqrstuvwxyz0123456789") : null;
    this.dir.store.putClient({ id, pool_id: pool.id, description: JSON.stringify(description), secret });
    return { UserPoolClient: this.clientView(description, secret) };
  }

  private clientView(description: Record<string, any>, secret: string | null) {
    return { ...description, ...(secret ? { ClientSecret: secret } : {}) };
  }

  DescribeUserPoolClient(input: { UserPoolId: string; ClientId: string }) {
    this.dir.pool(input.UserPoolId);
    const client = this.dir.client(input.ClientId, input.UserPoolId);
    return { UserPoolClient: this.clientView(client.description, client.row.secret) };
  }

  ListUserPoolClients(input: { UserPoolId: string; MaxResults?: number; NextToken?: string }) {
    this.dir.pool(input.UserPoolId);
    const { items, next } = page(this.dir.store.clients(input.UserPoolId), input.MaxResults ?? 60, input.NextToken);
    const clients = items.map((c) => {
      const d = JSON.parse(c.description);
      return { ClientId: d.ClientId, UserPoolId: d.UserPoolId, ClientName: d.ClientName };
    });
    return { UserPoolClients: clients, ...(next ? { NextToken: next } : {}) };
  }

  UpdateUserPoolClient(input: Record<string, any>) {
    this.dir.pool(input.UserPoolId);
    const client = this.dir.client(input.ClientId, input.UserPoolId);
    this.checkClientSettings(input);
    checkOAuthClientSettings(this.dir, input.UserPoolId, input, client.row.secret !== null);
    checkSupportedIdentityProviders(this.dir, input.UserPoolId, input.SupportedIdentityProviders);
    const old = client.description;
    const description = {
      UserPoolId: old.UserPoolId, ClientName: input.ClientName ?? old.ClientName, ClientId: old.ClientId, ...pick(input, CLIENT_SETTINGS),
      RefreshTokenValidity: input.RefreshTokenValidity ?? 30,
      TokenValidityUnits: input.TokenValidityUnits ?? {},
      ExplicitAuthFlows: input.ExplicitAuthFlows ?? ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"],
      AllowedOAuthFlowsUserPoolClient: input.AllowedOAuthFlowsUserPoolClient ?? false,
      EnableTokenRevocation: input.EnableTokenRevocation ?? old.EnableTokenRevocation,
      EnablePropagateAdditionalUserContextData: input.EnablePropagateAdditionalUserContextData ?? false,
      AuthSessionValidity: input.AuthSessionValidity ?? 3,
      LastModifiedDate: now(), CreationDate: old.CreationDate,
    };
    this.dir.store.putClient({ ...client.row, description: JSON.stringify(description) });
    return { UserPoolClient: this.clientView(description, client.row.secret) };
  }

  DeleteUserPoolClient(input: { UserPoolId: string; ClientId: string }) {
    this.dir.pool(input.UserPoolId);
    this.dir.client(input.ClientId, input.UserPoolId);
    this.dir.store.deleteClient(input.ClientId);
    return {};
  }

  CreateUserPoolDomain(input: { Domain: string; UserPoolId: string; CustomDomainConfig?: { CertificateArn?: string } }) {
    const pool = this.dir.pool(input.UserPoolId);
    if (this.dir.store.domain(input.Domain)) throw invalidParameter("Domain already associated with another user pool.");
    const custom = input.CustomDomainConfig !== undefined;
    const cloudFront = custom ? `${random(14).toLowerCase()}.cloudfront.net` : `${input.Domain}.auth.${this.dir.region}.amazoncognito.com`;
    this.dir.store.putDomain(input.Domain, pool.id, JSON.stringify({ CloudFrontDistribution: cloudFront, CustomDomainConfig: input.CustomDomainConfig }));
    pool.description.Domain = custom ? undefined : input.Domain;
    if (custom) pool.description.CustomDomain = input.Domain;
    this.dir.store.setPoolDescription(pool.id, JSON.stringify(pool.description));
    if (!custom) this.dir.kernel.events.emit("cognito:domain", { userPoolId: pool.id, domain: input.Domain, url: localDomainUrl(input.Domain, this.dir.region, new URL(this.dir.kernel.endpoint).port) });
    return custom ? { CloudFrontDomain: cloudFront } : {};
  }

  DescribeUserPoolDomain(input: { Domain: string }) {
    const found = this.dir.store.domain(input.Domain);
    if (!found) return { DomainDescription: {} };
    const d = JSON.parse(found.description);
    return {
      DomainDescription: {
        UserPoolId: found.pool_id, AWSAccountId: this.dir.kernel.accountId, Domain: input.Domain, CloudFrontDistribution: d.CloudFrontDistribution,
        Version: "20130630", Status: "ACTIVE", ...(d.CustomDomainConfig ? { CustomDomainConfig: d.CustomDomainConfig } : {}),
      },
    };
  }

  DeleteUserPoolDomain(input: { Domain: string; UserPoolId: string }) {
    const pool = this.dir.pool(input.UserPoolId);
    const found = this.dir.store.domain(input.Domain);
    if (!found || found.pool_id !== pool.id) throw invalidParameter("No such domain or user pool exists.");
    this.dir.store.deleteDomain(input.Domain);
    delete pool.description.Domain;
    delete pool.description.CustomDomain;
    this.dir.store.setPoolDescription(pool.id, JSON.stringify(pool.description));
    return {};
  }

  // groups
  private groupView(g: GroupRow) {
    return {
      GroupName: g.name, UserPoolId: g.pool_id, ...(g.description !== null ? { Description: g.description } : {}),
      ...(g.role_arn !== null ? { RoleArn: g.role_arn } : {}), ...(g.precedence !== null ? { Precedence: g.precedence } : {}),
      LastModifiedDate: g.modified, CreationDate: g.created,
    };
  }

  CreateGroup(input: { GroupName: string; UserPoolId: string; Description?: string; RoleArn?: string; Precedence?: number }) {
    const pool = this.dir.pool(input.UserPoolId);
    if (this.dir.store.group(pool.id, input.GroupName)) throw new AwsError("GroupExistsException", "A group with the name already exists.");
    const at = now();
    const row: GroupRow = { pool_id: pool.id, name: input.GroupName, description: input.Description ?? null, precedence: input.Precedence ?? null, role_arn: input.RoleArn ?? null, created: at, modified: at };
    this.dir.store.putGroup(row);
    return { Group: this.groupView(row) };
  }

  private group(poolId: string, name: string): GroupRow {
    const g = this.dir.store.group(this.dir.pool(poolId).id, name);
    if (!g) throw groupNotFound();
    return g;
  }

  GetGroup(input: { GroupName: string; UserPoolId: string }) {
    return { Group: this.groupView(this.group(input.UserPoolId, input.GroupName)) };
  }

  ListGroups(input: { UserPoolId: string; Limit?: number; NextToken?: string }) {
    const pool = this.dir.pool(input.UserPoolId);
    const { items, next } = page(this.dir.store.groups(pool.id), input.Limit ?? 60, input.NextToken);
    return { Groups: items.map((g) => this.groupView(g)), ...(next ? { NextToken: next } : {}) };
  }

  UpdateGroup(input: { GroupName: string; UserPoolId: string; Description?: string; RoleArn?: string; Precedence?: number }) {
    const g = this.group(input.UserPoolId, input.GroupName);
    const row: GroupRow = {
      ...g, description: input.Description ?? g.description, role_arn: input.RoleArn ?? g.role_arn, precedence: input.Precedence ?? g.precedence, modified: now(),
    };
    this.dir.store.putGroup(row);
    return { Group: this.groupView(row) };
  }

  DeleteGroup(input: { GroupName: string; UserPoolId: string }) {
    const g = this.group(input.UserPoolId, input.GroupName);
    this.dir.store.deleteGroup(g.pool_id, g.name);
    return {};
  }

  groupOf(poolId: string, name: string): GroupRow {
    return this.group(poolId, name);
  }

  listGroupsForUser(poolId: string, usernameKey: string, limit = 60, nextToken?: string) {
    const { items, next } = page(this.dir.store.groupsOf(poolId, usernameKey), limit, nextToken);
    return { Groups: items.map((g) => this.groupView(g)), ...(next ? { NextToken: next } : {}) };
  }
}
