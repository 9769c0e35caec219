/**
 * Drives sign-in flows without a browser, for fast tests of `sst/node/auth`: requests to
 * the API origin go to an in-process Lambda handler as API Gateway payload 2.0 events;
 * requests elsewhere (the identity provider on loopback) go over HTTP. It keeps cookies
 * per origin, follows redirects, fills the local provider's sign-in form and submits the
 * self-posting form of a `form_post` answer, as a browser would.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | string | void>;

export interface Page {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A payload 2.0 event for `url` as the local cloud's API Gateway builds it (a path-style
 * URL, `/_aws/execute-api/{apiId}/…`, reaches the function without that prefix).
 */
export function apiEvent(url: string, init: RequestInit & { cookies?: string[]; apiId: string }): APIGatewayProxyEventV2 {
  const u = new URL(url);
  const pathStyle = `/_aws/execute-api/${init.apiId}`;
  const path = u.pathname.startsWith(`${pathStyle}/`) || u.pathname === pathStyle ? u.pathname.slice(pathStyle.length) || "/" : u.pathname;
  const method = init.method ?? "GET";
  const query: Record<string, string> = {};
  for (const [k, v] of u.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const headers: Record<string, string> = { host: u.host, "x-forwarded-proto": u.protocol.replace(":", ""), ...lower(init.headers ?? {}) };
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: decodeURIComponent(path),
    rawQueryString: u.search.replace(/^\?/, ""),
    ...(init.cookies?.length ? { cookies: init.cookies } : {}),
    headers,
    ...(u.searchParams.size ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: "000000000000", apiId: init.apiId, domainName: u.hostname, domainPrefix: u.hostname.split(".")[0],
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "auth-browser" },
      requestId: Math.random().toString(36).slice(2), routeKey: "$default", stage: "$default",
      time: new Date().toUTCString(), timeEpoch: Date.now(),
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

const context = { getRemainingTimeInMillis: () => 30_000, functionName: "authenticator", awsRequestId: "test" } as unknown as Context;

export class AuthBrowser {
  /** origin → cookie name → value */
  readonly cookies = new Map<string, Map<string, string>>();
  /** Every page visited, in order (redirect hops included). */
  readonly history: Page[] = [];

  /**
   * `apiOrigin`: the origin whose requests `handler` answers, e.g.
   * http://abc1234567.execute-api.localhost:4570 or the local cloud's http://127.0.0.1:4570.
   */
  constructor(private readonly apiOrigin: string, private readonly apiId: string, private readonly handler: Handler, private readonly login = "alice@example.test") {}

  /** One request, no redirects followed. */
  async request(url: string, init: RequestInit = {}): Promise<Page> {
    const origin = new URL(url).origin;
    const jar = this.jar(origin);
    const cookieList = [...jar].map(([k, v]) => `${k}=${v}`);
    let page: Page;
    if (origin === this.apiOrigin) {
      const event = apiEvent(url, { ...init, cookies: cookieList, apiId: this.apiId });
      const out = await this.handler(event, context);
      const result = (typeof out === "object" && out ? out : { statusCode: 200, body: out ?? "" }) as APIGatewayProxyStructuredResultV2;
      const headers = lower(Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])));
      for (const c of result.cookies ?? []) this.setCookie(jar, c);
      page = { url, status: result.statusCode ?? 200, headers, body: result.body ?? "" };
    } else {
      const res = await fetch(url, {
        method: init.method ?? "GET", redirect: "manual", body: init.body,
        headers: { ...(init.headers ?? {}), ...(cookieList.length ? { cookie: cookieList.join("; ") } : {}) },
      });
      for (const c of res.headers.getSetCookie()) this.setCookie(jar, c);
      page = { url, status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
    }
    this.history.push(page);
    return page;
  }

  /**
   * Visit `url` and go on as a browser and a user would: follow redirects, sign in on
   * the provider's form, submit form_post pages. Stops at the first other page, or at a
   * redirect to a URL starting with `until` (the app's site, which is not served here).
   */
  async visit(url: string, init: RequestInit & { until?: string } = {}): Promise<Page> {
    let page = await this.request(url, init);
    for (let hop = 0; hop < 20; hop++) {
      const location = page.headers.location;
      if (location && init.until && new URL(location, page.url).toString().startsWith(init.until)) return page;
      if (page.status >= 300 && page.status < 400 && location) {
        page = await this.request(new URL(page.headers.location, page.url).toString());
        continue;
      }
      const form = parseForm(page.body);
      if (page.status === 200 && form && (form.fields.has("login") || /\.submit\(\)/.test(page.body))) {
        if (form.fields.has("login")) {
          form.fields.set("login", this.login);
          form.fields.set("password", "any");
        }
        page = await this.request(new URL(form.action, page.url).toString(), {
          method: form.method, body: new URLSearchParams([...form.fields]).toString(),
          headers: { "content-type": "application/x-www-form-urlencoded" },
        });
        continue;
      }
      return page;
    }
    throw new Error(`Too many redirects: ${this.history.slice(-5).map((p) => p.url).join(" → ")}`);
  }

  jar(origin: string): Map<string, string> {
    let jar = this.cookies.get(origin);
    if (!jar) this.cookies.set(origin, (jar = new Map()));
    return jar;
  }

  private setCookie(jar: Map<string, string>, header: string): void {
    const [pair, ...attrs] = header.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
    if (expired || value === "") jar.delete(name);
    else jar.set(name, value);
  }
}

/** The first form of a page: action, method and its named inputs' values. */
export function parseForm(html: string): { action: string; method: string; fields: Map<string, string> } | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`, "i").exec(tag)?.[1];
  const fields = new Map<string, string>();
  for (const input of form[2].matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(input[0], "name");
    if (name) fields.set(name, decodeEntities(attr(input[0], "value") ?? ""));
  }
  return { action: decodeEntities(attr(form[1], "action") ?? ""), method: (attr(form[1], "method") ?? "get").toUpperCase(), fields };
}

function decodeEntities(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
