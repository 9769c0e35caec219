/**
 * What a behaviour puts in the cache key and forwards to the origin: the headers,
 * cookies and query strings its cache policy and origin request policy name (or the
 * legacy ForwardedValues), with CloudFront's behaviours none / whitelist / all /
 * allExcept / allViewer / allViewerAndWhitelistCloudFront.
 */
export interface ViewerRequest {
  method: string;
  uri: string;
  /** Query pairs in the order received. */
  query: [string, string][];
  /** Lower-cased names. */
  headers: Record<string, string>;
  cookies: [string, string][];
  body?: Buffer;
}

export interface Selection {
  headers: (name: string) => boolean;
  cookies: (name: string) => boolean;
  query: (name: string) => boolean;
}

const items = (x: any): string[] => (Array.isArray(x?.Items) ? x.Items.map(String) : []);

function select(behavior: string | undefined, names: string[], lower: boolean): (name: string) => boolean {
  const set = new Set(lower ? names.map((n) => n.toLowerCase()) : names);
  const norm = (n: string) => (lower ? n.toLowerCase() : n);
  switch (behavior) {
    case "all":
    case "allViewer":
      return () => true;
    case "allViewerAndWhitelistCloudFront":
      return () => true;
    case "allExcept":
      return (n) => !set.has(norm(n));
    case "whitelist":
      return (n) => set.has(norm(n));
    default:
      return () => false;
  }
}

/** The selection of a cache policy's ParametersInCacheKeyAndForwardedToOrigin. */
export function cachePolicySelection(policy: any): Selection {
  const p = policy?.ParametersInCacheKeyAndForwardedToOrigin ?? {};
  return {
    headers: select(p.HeadersConfig?.HeaderBehavior, items(p.HeadersConfig?.Headers), true),
    cookies: select(p.CookiesConfig?.CookieBehavior, items(p.CookiesConfig?.Cookies), false),
    query: select(p.QueryStringsConfig?.QueryStringBehavior, items(p.QueryStringsConfig?.QueryStrings), false),
  };
}

/** The selection of an origin request policy. */
export function originRequestPolicySelection(policy: any): Selection {
  return {
    headers: select(policy?.HeadersConfig?.HeaderBehavior, items(policy?.HeadersConfig?.Headers), true),
    cookies: select(policy?.CookiesConfig?.CookieBehavior, items(policy?.CookiesConfig?.Cookies), false),
    query: select(policy?.QueryStringsConfig?.QueryStringBehavior, items(policy?.QueryStringsConfig?.QueryStrings), false),
  };
}

/** The legacy ForwardedValues of a behaviour without a cache policy (cache key = forwarded). */
export function forwardedValuesSelection(fv: any): Selection {
  const headers = items(fv?.Headers);
  const cookies = fv?.Cookies?.Forward;
  const keys = items(fv?.QueryStringCacheKeys);
  return {
    headers: headers.includes("*") ? () => true : select("whitelist", headers, true),
    cookies: cookies === "all" ? () => true : cookies === "whitelist" ? select("whitelist", items(fv?.Cookies?.WhitelistedNames), false) : () => false,
    query: fv?.QueryString ? (keys.length ? select("whitelist", keys, false) : () => true) : () => false,
  };
}

export function union(a: Selection, b: Selection): Selection {
  return { headers: (n) => a.headers(n) || b.headers(n), cookies: (n) => a.cookies(n) || b.cookies(n), query: (n) => a.query(n) || b.query(n) };
}

/** The cache key of a request: method class, path, and the selected values, sorted. */
export function cacheKey(req: ViewerRequest, sel: Selection, encodings: { gzip: boolean; br: boolean }): string {
  const parts = [req.uri];
  parts.push(req.query.filter(([k]) => sel.query(k)).map(([k, v]) => `${k}=${v}`).sort().join("&"));
  parts.push(Object.keys(req.headers).filter((h) => sel.headers(h)).sort().map((h) => `${h}:${req.headers[h]}`).join("\n"));
  parts.push(req.cookies.filter(([k]) => sel.cookies(k)).map(([k, v]) => `${k}=${v}`).sort().join(";"));
  if (encodings.gzip || encodings.br) parts.push(req.headers["accept-encoding"] ?? "");
  return parts.join("\u0000");
}

/**
 * A viewer's headers as CloudFront would see them over TLS. The local edge speaks plain
 * HTTP where CloudFront terminates HTTPS, so a browser names the page it sends from as
 * `http://{distribution host}`; origins that check Origin against the https URL they
 * were reached on (SvelteKit's form actions, CSRF guards) see the https origin they get
 * on AWS. Only the distribution's own origin is rewritten.
 */
export function asSeenOverTls(headers: Record<string, string>): Record<string, string> {
  const host = headers.host;
  if (!host) return headers;
  const plain = `http://${host}`;
  const out = { ...headers };
  if (out.origin === plain) out.origin = `https://${host}`;
  if (out.referer === plain || out.referer?.startsWith(`${plain}/`)) out.referer = `https://${host}${out.referer.slice(plain.length)}`;
  return out;
}

/** Headers never passed through to an origin (hop-by-hop, or CloudFront's to set). */
const NOT_FORWARDED = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "content-length", "expect"]);

/** The headers an origin gets: the selected viewer headers, cookies, and CloudFront's own. */
export function originHeaders(req: ViewerRequest, sel: Selection, originHost: string, viewerIp: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (NOT_FORWARDED.has(name) || name === "cookie" || name === "host") continue;
    if (sel.headers(name)) out[name] = value;
  }
  out.host = sel.headers("host") && req.headers.host ? req.headers.host : originHost;
  const cookies = req.cookies.filter(([k]) => sel.cookies(k));
  if (cookies.length) out.cookie = cookies.map(([k, v]) => `${k}=${v}`).join("; ");
  out["x-forwarded-for"] = req.headers["x-forwarded-for"] ? `${req.headers["x-forwarded-for"]}, ${viewerIp}` : viewerIp;
  out.via = "1.1 local.cloudfront.net (CloudFront)";
  if (req.headers["content-type"]) out["content-type"] = req.headers["content-type"];
  return out;
}

/**
 * The query string an origin gets. Names and values are held decoded, except what a
 * viewer-request function wrote: CloudFront sends those as the function wrote them (a
 * function encodes a name holding "/", as SvelteKit's form actions need), so escapes
 * already there are kept and only what may not appear in a query is encoded.
 */
export function originQuery(req: ViewerRequest, sel: Selection): string {
  return req.query.filter(([k]) => sel.query(k)).map(([k, v]) => `${queryPart(k)}=${queryPart(v)}`).join("&");
}

function queryPart(s: string): string {
  return s.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~%!$'()*,;:@\/?]/g, (c) => encodeURIComponent(c));
}

export function parseCookies(header: string | undefined): [string, string][] {
  if (!header) return [];
  return header.split(/;\s*/).filter(Boolean).map((c) => {
    const i = c.indexOf("=");
    return (i < 0 ? [c, ""] : [c.slice(0, i), c.slice(i + 1)]) as [string, string];
  });
}
