/**
 * Who is asking, as far as the HTTP request tells: the two checks that keep web pages
 * from driving the local cloud while it runs on the developer's machine.
 *
 * - **Host names.** Every request must name the local cloud in its `Host` header:
 *   127.0.0.1, localhost, any `*.localhost` name (browsers resolve those to loopback
 *   themselves, so no DNS answer can point them elsewhere), [::1], or a name the user
 *   configured — each also with the `sync-` prefix the SDK puts before the endpoint's host
 *   for Step Functions' StartSyncExecution and TestState (`sync-127.0.0.1`). A page on `evil.example` whose DNS answer flips to 127.0.0.1 (DNS
 *   rebinding) sends `Host: evil.example:<port>` and is refused.
 * - **Web pages.** A request a browser sends on behalf of a page carries `Origin` (every
 *   cross-origin request and every same-origin one but GET/HEAD) or `Sec-Fetch-Site`
 *   (every request of current browsers). Such a request reaches only what AWS serves to
 *   browsers, and never with the public admin key: see `LocalCloud.lookupAccessKey`.
 *   `Sec-Fetch-Site: same-origin` counts too: the local cloud's own origin serves user
 *   data (S3 objects, API answers), so a page there is no more trusted than any other.
 *   `Sec-Fetch-Site: none` is a navigation the user started (an address typed or
 *   pasted), which is theirs to make.
 */

/** Whether the request was sent by a browser for a web page (see the module comment). */
export function sentByWebPage(headers: Record<string, string>): boolean {
  if (headers.origin !== undefined) return true;
  const site = headers["sec-fetch-site"];
  return site !== undefined && site !== "none";
}

/** The names every local cloud answers to, whatever the configuration. */
const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The Host names the local cloud answers to. */
export class HostNames {
  private readonly extra: ReadonlySet<string>;
  /** The last Host value allowed: nearly every request repeats it exactly. */
  private lastAllowed = "";

  /** @param extra further names (no port, any case), e.g. from SST_LOCAL_ALLOWED_HOSTS */
  constructor(extra: readonly string[] = []) {
    this.extra = new Set(extra.map((n) => n.trim().toLowerCase().replace(/\.$/, "")).filter(Boolean));
  }

  /** Whether a Host header value (name and optional port) names the local cloud. */
  allows(host: string | undefined): boolean {
    if (host === undefined || host === "") return false;
    if (host === this.lastAllowed) return true;
    const name = hostName(host);
    const bare = name.startsWith("sync-") ? name.slice(5) : name;
    const ok = LOOPBACK_NAMES.has(bare) || name.endsWith(".localhost") || this.extra.has(bare);
    if (ok) this.lastAllowed = host;
    return ok;
  }

  /** The names allowed, for messages. */
  describe(): string {
    return ["127.0.0.1", "localhost", "*.localhost", "[::1]", ...this.extra].join(", ");
  }
}

/** The name part of a Host header, lower-cased, without port or trailing dot. */
function hostName(host: string): string {
  let name = host.toLowerCase();
  if (name.startsWith("[")) {
    const end = name.indexOf("]");
    return end < 0 ? name : name.slice(0, end + 1);
  }
  const colon = name.lastIndexOf(":");
  if (colon >= 0) name = name.slice(0, colon);
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** Extra Host names from the environment: `SST_LOCAL_ALLOWED_HOSTS=dev.example.test,other.test`. */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.SST_LOCAL_ALLOWED_HOSTS ?? "").split(",").filter((n) => n.trim() !== "");
}
