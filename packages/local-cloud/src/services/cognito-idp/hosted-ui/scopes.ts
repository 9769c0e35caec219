/**
 * OAuth scopes of a user pool: the standard ones (`openid`, `email`, `phone`, `profile`,
 * `aws.cognito.signin.user.admin`) and the custom `<resource server>/<scope>` ones, as an
 * app client may be allowed them, and the checks CreateUserPoolClient /
 * UpdateUserPoolClient make of a client's OAuth settings.
 */
import { AwsError } from "../../../server/aws-error.js";
import type { Directory } from "../directory.js";
import { customScopesOf } from "../resource-servers.js";

export const STANDARD_SCOPES = ["phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"] as const;
const STANDARD = new Set<string>(STANDARD_SCOPES);

export const isStandardScope = (scope: string) => STANDARD.has(scope);

export const splitScopes = (scope: string | null | undefined) => (scope ?? "").split(/\s+/).filter(Boolean);

/**
 * A client's OAuth settings as Cognito checks them when the client is created or updated:
 * every scope must exist in the pool, and client_credentials stands alone and needs a secret.
 */
export function checkOAuthClientSettings(dir: Directory, poolId: string, input: Record<string, any>, hasSecret: boolean): void {
  const scopes: string[] = input.AllowedOAuthScopes ?? [];
  const custom = scopes.some((s) => !STANDARD.has(s)) ? customScopesOf(dir, poolId) : new Set<string>();
  for (const scope of scopes) {
    if (!STANDARD.has(scope) && !custom.has(scope)) throw new AwsError("ScopeDoesNotExistException", `Invalid scope requested: ${scope}`);
  }
  const flows: string[] = input.AllowedOAuthFlows ?? [];
  if (flows.includes("client_credentials")) {
    if (flows.includes("code") || flows.includes("implicit")) {
      throw new AwsError("InvalidOAuthFlowException", "client_credentials flow can not be selected if authorization code or implicit flow is selected.");
    }
    if (!hasSecret) throw new AwsError("InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret.");
    if (scopes.some((s) => STANDARD.has(s))) throw new AwsError("InvalidOAuthFlowException", "client_credentials flow can only be used with custom scopes.");
  }
  if (input.AllowedOAuthFlowsUserPoolClient && flows.length === 0) {
    throw new AwsError("InvalidOAuthFlowException", "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.");
  }
}

/**
 * The scopes a request gets: those asked for (all of them allowed to the client), or every
 * scope the client is allowed when none are asked for. Undefined when one is not allowed.
 */
export function grantedScopes(requested: string | null | undefined, allowed: string[]): string[] | undefined {
  const asked = splitScopes(requested);
  if (asked.length === 0) return [...allowed];
  if (asked.some((s) => !allowed.includes(s))) return undefined;
  return [...new Set(asked)];
}
