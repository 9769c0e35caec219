/**
 * For tests of the hosted UI: HTTP requests to `*.localhost` names (resolved to 127.0.0.1,
 * as browsers resolve them; Node's resolver does not), redirects not followed, and the
 * sign-in form walked the way a browser would (GET the form and its CSRF cookie, POST it).
 */
import http from "node:http";
import type { LookupFunction } from "node:net";
import assert from "node:assert/strict";

/** A `dns.lookup` that answers 127.0.0.1 for every name. */
export const loopbackLookup = ((_host: string, options: any, callback: any) => {
  const cb = typeof options === "function" ? options : callback;
  if (typeof options === "object" && options?.all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
  else cb(null, "127.0.0.1", 4);
}) as LookupFunction;

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  location?: URL;
}

export function request(url: string | URL, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(u, { method: o.method ?? "GET", headers: o.headers, lookup: loopbackLookup }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const location = res.headers.location ? new URL(res.headers.location, u) : undefined;
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), location });
      });
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

export const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

/** `name=value` pairs of an answer's Set-Cookie headers, as a Cookie header. */
export const cookiesOf = (a: Answer, jar: Record<string, string> = {}) => {
  for (const c of a.headers["set-cookie"] ?? []) {
    const [pair] = c.split(";");
    const eq = pair!.indexOf("=");
    jar[pair!.slice(0, eq)] = pair!.slice(eq + 1);
  }
  return jar;
};
export const cookieHeader = (jar: Record<string, string>) => Object.entries(jar).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join("; ");

/**
 * From an /oauth2/authorize URL to the redirect the sign-in form answers with: follows
 * authorize → /login, posts the credentials with the form's CSRF token. Returns the last answer.
 */
export async function signInThroughForm(authorizeUrl: string, username: string, password: string, jar: Record<string, string> = {}): Promise<Answer> {
  const authorize = await request(authorizeUrl, { headers: { cookie: cookieHeader(jar) } });
  assert.equal(authorize.status, 302, authorize.body);
  if (authorize.location!.pathname !== "/login") return authorize;
  const page = await request(authorize.location!, { headers: { cookie: cookieHeader(jar) } });
  assert.equal(page.status, 200, page.body);
  cookiesOf(page, jar);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(csrf, "the form carries a CSRF token");
  const posted = await request(authorize.location!, { ...form({ _csrf: csrf, username, password }), headers: { ...form({}).headers, cookie: cookieHeader(jar) } });
  cookiesOf(posted, jar);
  return posted;
}

/**
 * A browser's walk from a URL to the app's callback through a federated sign-in: redirects
 * followed with a cookie jar per host, an upstream OpenID provider's sign-in form (the test
 * helper's, posting `login` and `password`) filled in as `login`. Returns the callback URL.
 */
export async function followToCallback(url: string, callback: string, login: string): Promise<URL> {
  const jars = new Map<string, Record<string, string>>();
  const jar = (u: URL) => jars.get(u.host) ?? (jars.set(u.host, {}), jars.get(u.host)!);
  let next: { url: URL; init?: ReturnType<typeof form> } = { url: new URL(url) };
  for (let hop = 0; hop < 20; hop++) {
    if (next.url.href.startsWith(callback)) return next.url;
    const cookies = jar(next.url);
    const answer = await request(next.url, { ...next.init, headers: { ...next.init?.headers, cookie: cookieHeader(cookies) } });
    cookiesOf(answer, cookies);
    if (answer.location) {
      next = { url: answer.location };
      continue;
    }
    const action = /<form method="post" action="(\/interaction\/[^"]+\/login)"/.exec(answer.body)?.[1];
    assert.ok(action, `expected a redirect or the provider's sign-in form at ${next.url}, got ${answer.status}: ${answer.body.slice(0, 300)}`);
    next = { url: new URL(action, next.url), init: form({ login, password: "anything" }) };
  }
  assert.fail("too many redirects");
}
