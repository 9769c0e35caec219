/**
 * /oauth2/userInfo: the user of a Bearer access token with the `openid` scope, and the
 * claims its scopes (and the client's ReadAttributes) let it read.
 */
import { AwsError } from "../../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { Directory } from "../directory.js";
import { jsonResponse } from "./http.js";
import { splitScopes } from "./scopes.js";

const CLAIMS_BY_SCOPE: Record<string, string[]> = { email: ["email", "email_verified"], phone: ["phone_number", "phone_number_verified"] };

export function userInfo(dir: Directory, req: AwsRequest): AwsResponse {
  const refuse = (error: string, description: string) =>
    jsonResponse(401, { error, error_description: description }, { "www-authenticate": `Bearer error="${error}", error_description="${description}"` });
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (!bearer) return refuse("invalid_request", "Access token is missing");
  let found: ReturnType<Directory["userOfAccessToken"]>;
  try {
    found = dir.userOfAccessToken(bearer);
  } catch (e) {
    if (e instanceof AwsError) return refuse("invalid_token", e.message);
    throw e;
  }
  const scopes = splitScopes(found.claims.scope);
  if (!scopes.includes("openid")) return refuse("invalid_token", "Access token does not contain openid scope");
  const client = dir.store.client(String(found.claims.client_id ?? ""));
  const readable: string[] | undefined = client ? JSON.parse(client.description).ReadAttributes : undefined;
  const all = scopes.includes("profile") || scopes.includes("aws.cognito.signin.user.admin");
  const wanted = (name: string) => all || Object.entries(CLAIMS_BY_SCOPE).some(([scope, names]) => scopes.includes(scope) && names.includes(name));
  const claims: Record<string, string> = { sub: found.user.row.sub };
  for (const [name, value] of Object.entries(found.user.attributes)) {
    if (name === "sub" || (readable?.length && !readable.includes(name)) || !wanted(name)) continue;
    claims[name] = value;
  }
  claims.username = found.user.row.username;
  return jsonResponse(200, claims);
}
