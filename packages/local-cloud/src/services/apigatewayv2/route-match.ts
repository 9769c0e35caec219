/**
 * Route selection as HTTP APIs do it: a route key is "$default" or "METHOD /path"
 * where path segments are literals, `{name}` (one segment) or a final `{name+}`
 * (one or more segments). Among the routes that match a request, the most specific
 * wins: compared segment by segment, a literal beats a variable, which beats a greedy
 * variable; for equal paths an explicit method beats ANY. `$default` catches the rest.
 */

export interface RouteLike {
  RouteKey: string;
}

export interface RouteMatch<R extends RouteLike> {
  route: R;
  /** Decoded values of `{name}` / `{name+}` segments. */
  pathParameters: Record<string, string>;
}

type Segment = { kind: "literal"; value: string } | { kind: "param"; name: string } | { kind: "greedy"; name: string };

export interface ParsedRouteKey {
  method: string; // "ANY" or an upper-case HTTP method
  segments: Segment[];
}

/** A parsed key as selection uses it: with its first greedy segment's index (-1 when none). */
type MatchKey = ParsedRouteKey & { greedyAt: number };

/** Parses "GET /users/{id}"; undefined for "$default" or a key that is not an HTTP route. */
export function parseRouteKey(routeKey: string): ParsedRouteKey | undefined {
  const m = /^([A-Za-z]+) +(\/\S*)$/.exec(routeKey.trim());
  if (!m) return undefined;
  const segments: Segment[] = splitPath(m[2]).map((s) => {
    const p = /^\{([^{}+]+)(\+?)\}$/.exec(s);
    if (!p) return { kind: "literal", value: s } as const;
    return p[2] ? ({ kind: "greedy", name: p[1] } as const) : ({ kind: "param", name: p[1] } as const);
  });
  return { method: m[1].toUpperCase(), segments };
}

/** Why a route key is invalid, or undefined when API Gateway would accept it. */
export function routeKeyProblem(routeKey: string): string | undefined {
  if (routeKey === "$default") return undefined;
  const parsed = parseRouteKey(routeKey);
  if (!parsed) return `Invalid route key ${routeKey}. A route key must be $default or an HTTP method followed by a path, e.g. "GET /pets".`;
  const methods = ["ANY", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
  if (!methods.includes(parsed.method)) return `Invalid HTTP method ${parsed.method} in route key ${routeKey}.`;
  const greedyAt = parsed.segments.findIndex((s) => s.kind === "greedy");
  if (greedyAt >= 0 && greedyAt !== parsed.segments.length - 1)
    return `Invalid route key ${routeKey}. A greedy path variable must be the last segment of the path.`;
  return undefined;
}

function splitPath(path: string): string[] {
  if (path === "/" || path === "") return [];
  return path.replace(/^\//, "").split("/");
}

function decode(segment: string): string {
  // Nearly every segment has no escape: nothing to decode.
  if (segment.indexOf("%") < 0 && segment.indexOf("+") < 0) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is matched literally rather than failing the request
  }
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

/**
 * Matches a parsed key against the request path's raw segments (and the same decoded,
 * once per request); undefined when it does not match. Nothing is allocated for a route
 * that does not match.
 */
function matchSegments(key: MatchKey, raw: string[], decoded: string[]): Record<string, string> | undefined {
  const segments = key.segments;
  // A greedy segment takes the rest of the path (one segment at least); the key's segments after it are never looked at.
  const greedyAt = key.greedyAt;
  const count = greedyAt < 0 ? segments.length : greedyAt + 1;
  if (greedyAt < 0 ? raw.length !== segments.length : raw.length < count) return undefined;
  for (let i = 0; i < count; i++) {
    const seg = segments[i]!;
    if (seg.kind === "literal") {
      if (seg.value !== raw[i] && seg.value !== decoded[i]) return undefined;
    } else if (seg.kind === "param" && decoded[i] === "") return undefined;
  }
  let params: Record<string, string> | undefined;
  for (let i = 0; i < count; i++) {
    const seg = segments[i]!;
    if (seg.kind === "literal") continue;
    params ??= {};
    params[seg.name] = seg.kind === "greedy" ? decoded.slice(i).join("/") : decoded[i]!;
  }
  return params ?? {};
}

/** Negative when a is more specific than b. */
function compareSpecificity(a: ParsedRouteKey, b: ParsedRouteKey): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const sa = a.segments[i], sb = b.segments[i];
    if (!sa || !sb) return sa ? -1 : 1; // only reachable for greedy vs. longer: the longer literal path is more specific
    const d = RANK[sa.kind] - RANK[sb.kind];
    if (d !== 0) return d;
  }
  if (a.method !== b.method) return a.method === "ANY" ? 1 : b.method === "ANY" ? -1 : 0;
  return 0;
}

/** Parsed route keys by text: a request must not parse every route's key again. */
const parsedKeys = new Map<string, MatchKey | null>();
const MAX_PARSED_KEYS = 10_000;

function parsedKey(routeKey: string): MatchKey | undefined {
  let key = parsedKeys.get(routeKey);
  if (key === undefined) {
    if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.clear();
    const parsed = parseRouteKey(routeKey);
    key = parsed ? { ...parsed, greedyAt: parsed.segments.findIndex((s) => s.kind === "greedy") } : null;
    parsedKeys.set(routeKey, key);
  }
  return key ?? undefined;
}

/**
 * The parsed keys of a list of routes, in its order. The data planes keep their route
 * lists until the API changes, so a request finds them here by the list itself.
 */
const parsedLists = new WeakMap<readonly RouteLike[], (MatchKey | null)[]>();

function parsedKeysOf(routes: readonly RouteLike[]): (MatchKey | null)[] {
  let keys = parsedLists.get(routes);
  if (!keys || keys.length !== routes.length) {
    keys = routes.map((r) => parsedKey(r.RouteKey) ?? null);
    parsedLists.set(routes, keys);
  }
  return keys;
}

/** Selects the route for `method` + raw `path`, falling back to `$default`. */
export function selectRoute<R extends RouteLike>(routes: R[], method: string, path: string): RouteMatch<R> | undefined {
  const q = path.indexOf("?");
  const raw = splitPath(q < 0 ? path : path.slice(0, q));
  const decoded = raw.map(decode);
  const upper = method.toUpperCase();
  const keys = parsedKeysOf(routes);
  let best: R | undefined;
  let bestKey: MatchKey | undefined;
  let bestParams: Record<string, string> | undefined;
  for (let i = 0; i < routes.length; i++) {
    const key = keys[i];
    if (!key || (key.method !== "ANY" && key.method !== upper)) continue;
    const params = matchSegments(key, raw, decoded);
    if (!params) continue;
    if (!bestKey || compareSpecificity(key, bestKey) < 0) {
      best = routes[i];
      bestKey = key;
      bestParams = params;
    }
  }
  if (best) return { route: best, pathParameters: bestParams! };
  const fallback = routes.find((r) => r.RouteKey === "$default");
  return fallback ? { route: fallback, pathParameters: {} } : undefined;
}
