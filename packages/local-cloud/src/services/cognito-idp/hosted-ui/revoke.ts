/** /oauth2/revoke: revokes a refresh token and the tokens issued with it (RevokeToken, in OAuth's words). */
import { AwsError } from "../../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { AuthOperations } from "../auth.js";
import type { Directory, Pool } from "../directory.js";
import { authenticateClient, formOf, OAuthError, oauthErrorResponse } from "./token-endpoint.js";

export function revoke(dir: Directory, auth: AuthOperations, req: AwsRequest, pool: Pool): AwsResponse {
  try {
    const form = formOf(req.headers, req.body as Buffer);
    const token = form.get("token");
    const client = authenticateClient(dir, pool.id, req.headers, form);
    if (!token) throw new OAuthError("invalid_request");
    auth.RevokeToken({ Token: token, ClientId: client.id, ClientSecret: client.row.secret ?? undefined });
    return { status: 200, headers: { "cache-control": "no-store" }, body: "" };
  } catch (e) {
    if (e instanceof OAuthError) return oauthErrorResponse(e);
    if (e instanceof AwsError) {
      const code = e.code === "UnsupportedTokenTypeException" ? "unsupported_token_type" : e.code === "NotAuthorizedException" ? "invalid_client" : "unauthorized_client";
      return oauthErrorResponse(new OAuthError(code));
    }
    throw e;
  }
}
