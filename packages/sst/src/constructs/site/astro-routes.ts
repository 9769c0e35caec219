/**
 * The route table AstroSite puts into its CloudFront routing function, written the way
 * SST v2 writes it so the function's code (and so the template) is the same.
 *
 * astro-sst lists every route with its pattern as a regular expression literal
 * (`/^\/docs\/intro\/?$/`). Only routes CloudFront can answer without the server
 * matter: prerendered pages and endpoints (served from S3) and redirects. Routes are
 * grouped by their first path segment; a group holding more than one distinct route is
 * split again by the next segment, and so on. Groups without a prerendered route or a
 * redirect are dropped (the server answers those). The result is JavaScript source:
 *
 *   [[/^\/about\/?$/], [/^\/docs/, [[/^\/docs\/intro\/?$/]]], [/^\/old\/?$/, 2, "/new", 301]]
 *
 * a leaf `[pattern]` is a prerendered page, `[pattern, 1]` a prerendered endpoint,
 * `[pattern, 2, to, status?]` a redirect; a branch `[/^prefix/, children]`.
 */

export interface AstroRoute {
  route: string;
  type: "page" | "endpoint" | "redirect" | "fallback";
  /** A regular expression literal, as text. */
  pattern: string;
  prerender?: boolean;
  redirectPath?: string;
  redirectStatus?: number;
}

interface Group {
  /** The routes of a leaf, or undefined for a branch. */
  route?: AstroRoute;
  children?: Map<string, Group>;
}

/** A route's pattern cut into path segments: `/^\/docs\/intro\/?$/` → `\/docs`, `\/intro`, `\/?`. */
function segments(pattern: string): string[] {
  const bare = pattern
    // Capture groups are reduced to their content: "(?:\/(.*?))?" → "\/.*??"
    .replace(/\((?:\?:)?(.*?[^\\])\)/g, (_m, inner: string) => inner.trim())
    .replace(/\/\^/g, "")
    .replace(/\$\//g, "");
  return bare.split(/(?=\\\/)/g).filter((s) => s !== "/^" && s !== "/$/");
}

function group(routes: AstroRoute[], level: number): Map<string, Group> {
  const byKey = new Map<string, AstroRoute[]>();
  for (const r of routes) {
    // A route with fewer segments than the level groups under "undefined", as SST v2's does.
    const key = String(segments(r.pattern)[level]);
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const out = new Map<string, Group>();
  for (const [key, members] of Array.from(byKey)) {
    if (!members.some((r) => r.prerender || r.type === "redirect")) continue;
    if (members.length === 1) {
      out.set(key, { route: members[0] });
      continue;
    }
    const distinct = members.filter((r, i) => members.findIndex((o) => o.pattern === r.pattern) === i);
    out.set(key, { children: group(distinct, level + 1) });
  }
  return out;
}

function render(groups: Map<string, Group>, prefix: string): string {
  const items: string[] = [];
  for (const [key, g] of Array.from(groups)) {
    if (g.route) {
      const r = g.route;
      if (r.type === "page") items.push(`[${r.pattern}]`);
      else if (r.type === "endpoint") items.push(`[${r.pattern},1]`);
      else if (r.type === "redirect") items.push(`[${r.pattern},2,"${r.redirectPath}"${r.redirectStatus ? `,${r.redirectStatus}` : ""}]`);
    } else {
      const branch = prefix + key;
      items.push(`[/^${branch}/,${render(g.children!, branch)}]`);
    }
  }
  return `[${items.join(",")}]`;
}

/** The route table's JavaScript source. */
export function astroRouteTable(routes: AstroRoute[]): string {
  return render(group(routes, 0), "");
}
