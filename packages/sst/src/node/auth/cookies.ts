/**
 * The short-lived cookies that carry a sign-in flow's state from the authorize step to
 * the callback. `SameSite=None; Secure` because identity providers post back across
 * sites (form_post), and Chromium keeps Secure cookies on http://127.0.0.1 and
 * localhost too, so the same attributes hold locally.
 */

/** How long a sign-in may take between the authorize redirect and the callback. */
export const FLOW_COOKIE_SECONDS = 10 * 60;

export function flowCookie(name: string, value: string, path: string, maxAgeSeconds = FLOW_COOKIE_SECONDS): string {
  return `${name}=${encodeURIComponent(value)}; HttpOnly; Secure; SameSite=None; Path=${path}; Max-Age=${maxAgeSeconds}`;
}

/** A Set-Cookie that removes a flow cookie once the callback has used it. */
export function clearedCookie(name: string, path: string): string {
  return `${name}=; HttpOnly; Secure; SameSite=None; Path=${path}; Max-Age=0`;
}
