/**
 * The hosted UI's HTTP pieces: its cookies (the sign-in session, the forms' CSRF token),
 * redirects and JSON answers.
 */
import type { AwsResponse } from "../../../types.js";

/** The hosted UI session that lets a second /oauth2/authorize skip the form. */
export const SESSION_COOKIE = "cognito";
/** The forms' CSRF token, matched against the `_csrf` field they post. */
export const CSRF_COOKIE = "XSRF-TOKEN";

export function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export const redirect = (location: string, setCookies: string[] = []): AwsResponse => ({
  status: 302,
  headers: { location, "cache-control": "no-store", ...(setCookies.length ? { "set-cookie": setCookies } : {}) } as Record<string, string | string[]> as Record<string, string>,
});

export const jsonResponse = (status: number, body: unknown, extra: Record<string, string> = {}): AwsResponse => ({
  status,
  headers: { "content-type": "application/json;charset=UTF-8", ...extra },
  body: JSON.stringify(body),
});
