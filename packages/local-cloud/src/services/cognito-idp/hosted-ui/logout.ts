/** /logout: ends the hosted UI session; then back to the app's logout_uri, or to the sign-in form. */
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { Directory, Pool } from "../directory.js";
import type { OAuthGrants } from "./grants.js";
import { cookies, redirect, SESSION_COOKIE } from "./http.js";
import { checkedRequest } from "./requests.js";

export function logout(dir: Directory, grants: OAuthGrants, req: AwsRequest, pool: Pool): AwsResponse {
  const q = req.query;
  const clientId = q.get("client_id");
  const row = clientId ? dir.store.client(clientId) : undefined;
  if (!row || row.pool_id !== pool.id) return redirect(`/error?${new URLSearchParams({ error: "invalid_request", error_description: "Invalid client_id" })}`);
  const settings = JSON.parse(row.description) as Record<string, any>;
  const clear = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
  const logoutUri = q.get("logout_uri");
  if (logoutUri !== null) {
    if (!((settings.LogoutURLs ?? []) as string[]).includes(logoutUri)) return redirect(`/error?${new URLSearchParams({ error: "redirect_mismatch", client_id: clientId! })}`);
    grants.endSession(cookies(req.headers.cookie)[SESSION_COOKIE]);
    return redirect(logoutUri, [clear]);
  }
  if (q.get("redirect_uri") !== null && q.get("response_type") !== null) {
    const checked = checkedRequest(dir, q, pool);
    if ("response" in checked) return checked.response;
    grants.endSession(cookies(req.headers.cookie)[SESSION_COOKIE]);
    return redirect(`/login?${q}`, [clear]);
  }
  return redirect(`/error?${new URLSearchParams({ error: "invalid_request", error_description: "Required String parameter 'logout_uri' is not present" })}`);
}
