/**
 * What every hosted UI page does with its request: the authorize request it carries,
 * checked (errors answered as Cognito answers them), the page context (query, CSRF token)
 * and a POSTed form with its CSRF token checked.
 */
import { randomBytes } from "node:crypto";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { Directory, Pool } from "../directory.js";
import { checkAuthorizeRequest, redirectTo, type AuthorizeRequest } from "./authorize-request.js";
import { CSRF_COOKIE, cookies, redirect } from "./http.js";
import type { PageContext } from "./pages.js";
import { formOf, OAuthError } from "./token-endpoint.js";

/** The authorize request a page's query carries, checked; or the answer to an invalid one. */
export function checkedRequest(dir: Directory, query: URLSearchParams, pool: Pool): { ok: AuthorizeRequest } | { response: AwsResponse } {
  const checked = checkAuthorizeRequest(dir, pool.id, query);
  if ("ok" in checked) return checked;
  if ("errorPage" in checked) {
    const { error, description, clientId } = checked.errorPage;
    const q = new URLSearchParams({ error, ...(clientId ? { client_id: clientId } : {}), ...(description ? { error_description: description } : {}) });
    return { response: redirect(`/error?${q}`) };
  }
  const r = checked.redirectError;
  return { response: redirect(redirectTo(r.redirectUri, r.responseType, { error: r.error, error_description: r.description, state: r.state })) };
}

export function pageContext(req: AwsRequest, pool: Pool): PageContext {
  const csrf = cookies(req.headers.cookie)[CSRF_COOKIE] || randomBytes(24).toString("base64url");
  const q = req.query.toString();
  return { query: q ? `?${q}` : "", csrf, poolName: pool.row.name };
}

/** A POSTed form, its CSRF token checked against the cookie the form was served with. */
export function postedForm(req: AwsRequest): URLSearchParams {
  const form = formOf(req.headers, req.body as Buffer);
  const cookie = cookies(req.headers.cookie)[CSRF_COOKIE];
  if (!cookie || form.get("_csrf") !== cookie) throw new OAuthError("invalid_request", 403, "CSRF token mismatch");
  return form;
}
