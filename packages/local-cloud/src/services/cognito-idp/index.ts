/**
 * Cognito user pools (awsJson1_1, X-Amz-Target "AWSCognitoIdentityProviderService.<Op>"):
 * pools, app clients, users, groups, sign-up and sign-in (password, SRP, refresh), the
 * tokens a pool signs and its public keys. As on AWS, the operations a user calls
 * (SignUp, InitiateAuth, GetUser …) need no signature — the server routes unsigned
 * requests for this target prefix here — while the Admin* and management operations are
 * IAM-checked against the pool's ARN.
 *
 * Beside the API: `GET /<poolId>/.well-known/jwks.json` and `…/openid-configuration`
 * on the local cloud's endpoint, and the local-only in-process operation
 * LocalJsonWebKeys, through which the local cloud's own JWT verifiers (auth/jwt-verify.ts)
 * get a pool's keys without a network.
 */
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service, UnsignedRequests } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import { COGNITO_SERVICE_ERRORS } from "../../wire/cognito-errors.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import model from "../../wire/models/cognitoidp.js";
import { AuthOperations } from "./auth.js";
import { Directory } from "./directory.js";
import { PoolOperations } from "./pools.js";
import { HostedUi } from "./hosted-ui/index.js";
import { domainPrefixOfHost, localDomains, localDomainUrl } from "./hosted-ui/domain-host.js";
import { ResourceServerOperations } from "./resource-servers.js";
import { IdentityProviderOperations } from "./identity-providers.js";
import { ProviderLinkOperations } from "./federated-users.js";
import { UserPoolStore } from "./store.js";
import { publicJwk } from "./tokens.js";
import { UserOperations } from "./users.js";
import { deviceOperations, mfaOperations } from "./factor-operations.js";

/** Local-only, in-process: a pool's public signing keys as a JWKS (`{ keys: [] }` for an unknown pool). */
export const LOCAL_JSON_WEB_KEYS = "LocalJsonWebKeys";

const WELL_KNOWN = /^\/([\w-]+_[0-9A-Za-z]+)\/\.well-known\/(jwks\.json|openid-configuration)$/;
const WELL_KNOWN_DOCUMENTS = ["jwks.json", "openid-configuration"];

export class CognitoIdpService implements Service {
  readonly signingName = "cognito-idp";
  /** Unsigned: the operations AWS serves without a signature, and a pool's discovery documents. */
  readonly unsigned: UnsignedRequests;
  private readonly api: OperationService;
  private readonly dir: Directory;
  private readonly jwksByPool = new Map<string, { keys: Record<string, string>[] }>();
  private jwksVersion = -1;
  readonly pools: PoolOperations;
  readonly users: UserOperations;
  readonly auth: AuthOperations;
  /** The user pool domains' OAuth endpoints and sign-in pages (hosted-ui/). */
  readonly hostedUi: HostedUi;

  constructor({ kernel }: ServiceDeps) {
    this.dir = new Directory(new UserPoolStore(kernel.openDatabase("cognito-idp")), kernel);
    const pools = (this.pools = new PoolOperations(this.dir));
    const users = (this.users = new UserOperations(this.dir, pools));
    const auth = (this.auth = new AuthOperations(this.dir, users));
    const dir = this.dir;
    const servers = new ResourceServerOperations(this.dir);
    const providers = new IdentityProviderOperations(this.dir);
    const links = new ProviderLinkOperations(this.dir);
    this.hostedUi = new HostedUi(this.dir, users, auth, (poolId) => this.jwks(poolId));
    const any = (action: string) => (): Authorization => ({ action: `cognito-idp:${action}`, resource: "*" });
    const onPool = (action: string) => (i: { UserPoolId: string }): Authorization => ({ action: `cognito-idp:${action}`, resource: dir.poolArn(i.UserPoolId) });
    const operations: OperationSpecs<typeof model, CallContext> = {
      CreateUserPool: { iam: any("CreateUserPool"), run: (i) => pools.CreateUserPool(i) },
      ListUserPools: { iam: any("ListUserPools"), run: (i) => pools.ListUserPools(i) },
      DescribeUserPool: { iam: onPool("DescribeUserPool"), run: (i) => pools.DescribeUserPool(i) },
      UpdateUserPool: { iam: onPool("UpdateUserPool"), run: (i) => pools.UpdateUserPool(i) },
      DeleteUserPool: { iam: onPool("DeleteUserPool"), run: (i) => pools.DeleteUserPool(i) },
      AddCustomAttributes: { iam: onPool("AddCustomAttributes"), run: (i) => pools.AddCustomAttributes(i) },
      CreateUserPoolClient: { iam: onPool("CreateUserPoolClient"), run: (i) => pools.CreateUserPoolClient(i) },
      DescribeUserPoolClient: { iam: onPool("DescribeUserPoolClient"), run: (i) => pools.DescribeUserPoolClient(i) },
      ListUserPoolClients: { iam: onPool("ListUserPoolClients"), run: (i) => pools.ListUserPoolClients(i) },
      UpdateUserPoolClient: { iam: onPool("UpdateUserPoolClient"), run: (i) => pools.UpdateUserPoolClient(i) },
      DeleteUserPoolClient: { iam: onPool("DeleteUserPoolClient"), run: (i) => pools.DeleteUserPoolClient(i) },
      CreateUserPoolDomain: { iam: onPool("CreateUserPoolDomain"), run: (i) => pools.CreateUserPoolDomain(i) },
      DescribeUserPoolDomain: { iam: any("DescribeUserPoolDomain"), run: (i) => pools.DescribeUserPoolDomain(i) },
      DeleteUserPoolDomain: { iam: onPool("DeleteUserPoolDomain"), run: (i) => pools.DeleteUserPoolDomain(i) },
      CreateGroup: { iam: onPool("CreateGroup"), run: (i) => pools.CreateGroup(i) },
      GetGroup: { iam: onPool("GetGroup"), run: (i) => pools.GetGroup(i) },
      ListGroups: { iam: onPool("ListGroups"), run: (i) => pools.ListGroups(i) },
      UpdateGroup: { iam: onPool("UpdateGroup"), run: (i) => pools.UpdateGroup(i) },
      DeleteGroup: { iam: onPool("DeleteGroup"), run: (i) => pools.DeleteGroup(i) },
      CreateResourceServer: { iam: onPool("CreateResourceServer"), run: (i) => servers.CreateResourceServer(i) },
      DescribeResourceServer: { iam: onPool("DescribeResourceServer"), run: (i) => servers.DescribeResourceServer(i) },
      ListResourceServers: { iam: onPool("ListResourceServers"), run: (i) => servers.ListResourceServers(i) },
      UpdateResourceServer: { iam: onPool("UpdateResourceServer"), run: (i) => servers.UpdateResourceServer(i) },
      DeleteResourceServer: { iam: onPool("DeleteResourceServer"), run: (i) => servers.DeleteResourceServer(i) },
      CreateIdentityProvider: { iam: onPool("CreateIdentityProvider"), run: (i) => providers.CreateIdentityProvider(i as any) },
      DescribeIdentityProvider: { iam: onPool("DescribeIdentityProvider"), run: (i) => providers.DescribeIdentityProvider(i) },
      GetIdentityProviderByIdentifier: { iam: onPool("GetIdentityProviderByIdentifier"), run: (i) => providers.GetIdentityProviderByIdentifier(i) },
      ListIdentityProviders: { iam: onPool("ListIdentityProviders"), run: (i) => providers.ListIdentityProviders(i) },
      UpdateIdentityProvider: { iam: onPool("UpdateIdentityProvider"), run: (i) => providers.UpdateIdentityProvider(i as any) },
      DeleteIdentityProvider: { iam: onPool("DeleteIdentityProvider"), run: (i) => providers.DeleteIdentityProvider(i) },
      AdminLinkProviderForUser: { iam: onPool("AdminLinkProviderForUser"), run: (i) => links.AdminLinkProviderForUser(i as any) },
      AdminDisableProviderForUser: { iam: onPool("AdminDisableProviderForUser"), run: (i) => links.AdminDisableProviderForUser(i as any) },
      // What users call for themselves: no signature, no IAM, as on AWS.
      SignUp: { iam: "none", run: (i) => users.SignUp(i) },
      ConfirmSignUp: { iam: "none", run: (i) => users.ConfirmSignUp(i) },
      ResendConfirmationCode: { iam: "none", run: (i) => users.ResendConfirmationCode(i) },
      GetUser: { iam: "none", run: (i) => users.GetUser(i) },
      DeleteUser: { iam: "none", run: (i) => users.DeleteUser(i) },
      UpdateUserAttributes: { iam: "none", run: (i) => users.UpdateUserAttributes(i) },
      ChangePassword: { iam: "none", run: (i) => users.ChangePassword(i) },
      GetUserAttributeVerificationCode: { iam: "none", run: (i) => users.GetUserAttributeVerificationCode(i) },
      VerifyUserAttribute: { iam: "none", run: (i) => users.VerifyUserAttribute(i) },
      ForgotPassword: { iam: "none", run: (i) => users.ForgotPassword(i) },
      ConfirmForgotPassword: { iam: "none", run: (i) => users.ConfirmForgotPassword(i) },
      GlobalSignOut: { iam: "none", run: (i) => users.GlobalSignOut(i) },
      RevokeToken: { iam: "none", run: (i) => auth.RevokeToken(i) },
      InitiateAuth: { iam: "none", run: (i) => auth.InitiateAuth(i) },
      RespondToAuthChallenge: { iam: "none", run: (i) => auth.RespondToAuthChallenge(i) },
      // The administrator's side.
      AdminConfirmSignUp: { iam: onPool("AdminConfirmSignUp"), run: (i) => users.AdminConfirmSignUp(i) },
      AdminCreateUser: { iam: onPool("AdminCreateUser"), run: (i) => users.AdminCreateUser(i) },
      AdminSetUserPassword: { iam: onPool("AdminSetUserPassword"), run: (i) => users.AdminSetUserPassword(i) },
      AdminResetUserPassword: { iam: onPool("AdminResetUserPassword"), run: (i) => users.AdminResetUserPassword(i) },
      AdminGetUser: { iam: onPool("AdminGetUser"), run: (i) => users.AdminGetUser(i) },
      AdminDeleteUser: { iam: onPool("AdminDeleteUser"), run: (i) => users.AdminDeleteUser(i) },
      AdminDisableUser: { iam: onPool("AdminDisableUser"), run: (i) => users.AdminDisableUser(i) },
      AdminEnableUser: { iam: onPool("AdminEnableUser"), run: (i) => users.AdminEnableUser(i) },
      ListUsers: { iam: onPool("ListUsers"), run: (i) => users.ListUsers(i) },
      AdminUpdateUserAttributes: { iam: onPool("AdminUpdateUserAttributes"), run: (i) => users.AdminUpdateUserAttributes(i) },
      AdminUserGlobalSignOut: { iam: onPool("AdminUserGlobalSignOut"), run: (i) => users.AdminUserGlobalSignOut(i) },
      AdminAddUserToGroup: { iam: onPool("AdminAddUserToGroup"), run: (i) => users.AdminAddUserToGroup(i) },
      AdminRemoveUserFromGroup: { iam: onPool("AdminRemoveUserFromGroup"), run: (i) => users.AdminRemoveUserFromGroup(i) },
      AdminListGroupsForUser: { iam: onPool("AdminListGroupsForUser"), run: (i) => users.AdminListGroupsForUser(i) },
      ListUsersInGroup: { iam: onPool("ListUsersInGroup"), run: (i) => users.ListUsersInGroup(i) },
      AdminInitiateAuth: { iam: onPool("AdminInitiateAuth"), run: (i) => auth.AdminInitiateAuth(i) },
      AdminRespondToAuthChallenge: { iam: onPool("AdminRespondToAuthChallenge"), run: (i) => auth.AdminRespondToAuthChallenge(i) },
      ...mfaOperations(auth.mfa, onPool),
      ...deviceOperations(auth.devices, onPool),
    };
    users.mfaView = (pool, user) => auth.mfa.userView(pool, user);
    this.api = operationService(kernel, { signingName: this.signingName, model, operations, errors: COGNITO_SERVICE_ERRORS, publicOperationsUnsigned: true });
    this.unsigned = { ...this.api.unsigned, paths: WELL_KNOWN_DOCUMENTS.map((lastSegment) => ({ method: "GET", lastSegment, pattern: WELL_KNOWN })) };
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    const wellKnown = req.method === "GET" ? WELL_KNOWN.exec(req.path) : null;
    if (wellKnown) return Promise.resolve(this.discovery(req, wellKnown[1]!, wellKnown[2]!));
    return this.api.handle(req);
  }

  /**
   * A request on a user pool domain's local host (`<prefix>.auth.<region>.localhost`):
   * its hosted UI and OAuth endpoints; undefined when the host is not one.
   */
  handleDomainHost(req: AwsRequest): Promise<AwsResponse> | undefined {
    const prefix = domainPrefixOfHost(req.headers.host ?? "");
    return prefix === undefined ? undefined : this.hostedUi.handle(req, prefix);
  }

  /** Every user pool domain and the local URL of its hosted UI (what `sst dev` prints). */
  localDomains(): { userPoolId: string; domain: string; url: string }[] {
    return localDomains(this.dir);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    if (operation === LOCAL_JSON_WEB_KEYS) return Promise.resolve(this.jwks(String(input?.UserPoolId ?? "")));
    return this.api.call(operation, input, ctx);
  }

  /**
   * A pool's JWKS. The verifiers ask on every request, so answers are kept until a pool is
   * created or deleted (only this service writes its database).
   */
  private jwks(userPoolId: string): { keys: Record<string, string>[] } {
    const store = this.dir.store;
    if (this.jwksVersion !== store.poolsVersion) {
      this.jwksByPool.clear();
      this.jwksVersion = store.poolsVersion;
    }
    let answer = this.jwksByPool.get(userPoolId);
    if (!answer) {
      const key = store.signingKey(userPoolId);
      answer = { keys: key ? [publicJwk(JSON.parse(key))] : [] };
      if (this.jwksByPool.size > 1000) this.jwksByPool.clear();
      this.jwksByPool.set(userPoolId, answer);
    }
    return answer;
  }

  /** A pool's JWKS and OpenID discovery document, as cognito-idp serves them (unsigned GETs). */
  private discovery(req: AwsRequest, userPoolId: string, document: string): AwsResponse {
    const pool = this.dir.findPool(userPoolId);
    if (!pool) {
      return { status: 404, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: `User pool ${userPoolId} does not exist.` }) };
    }
    if (document === "jwks.json") return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(this.jwks(userPoolId)) };
    const base = `http://${req.headers.host ?? "127.0.0.1"}/${userPoolId}`;
    const domain = pool.description.Domain ? localDomainUrl(pool.description.Domain, this.dir.region, /:(\d+)$/.exec(req.headers.host ?? "")?.[1]) : undefined;
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        issuer: pool.issuer,
        jwks_uri: `${base}/.well-known/jwks.json`,
        ...(domain ? { authorization_endpoint: `${domain}/oauth2/authorize`, token_endpoint: `${domain}/oauth2/token`, userinfo_endpoint: `${domain}/oauth2/userInfo` } : {}),
        response_types_supported: ["code", "token"],
        scopes_supported: ["openid", "email", "phone", "profile"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      }),
    };
  }
}
