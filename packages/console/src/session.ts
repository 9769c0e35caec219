/**
 * Who may use the Console. It acts as the admin of the local cloud (it reads every
 * secret), so it lives on its own origin — its own port, where nothing from user data is
 * ever served — and every request must prove it comes from the person who started
 * `sst dev`:
 *
 * - A secret token, new each run, is in the URL `sst dev` prints (and `sst console`
 *   prints again, from the mode-0600 server.json). Opening that URL trades the token for
 *   an HttpOnly, `SameSite=Strict` cookie and redirects to the same page without it, so
 *   the token leaves the address bar and history. Non-browser clients send
 *   `Authorization: Bearer <token>` instead.
 * - The `Host` must be this listener's loopback address (no DNS rebinding).
 * - A browser request from any other origin is refused before the token is looked at:
 *   `Origin`, when present, must be the Console's own, and `Sec-Fetch-Site` must be
 *   `same-origin` (or `none`: the developer opening the printed URL). Cookies do not
 *   isolate ports, so a page on the local cloud's port is "same-site" and would carry
 *   the cookie; these checks are what stop it.
 * - Writes also need an `x-sst-console: 1` header, which no page of another origin can
 *   send without a CORS preflight (which is never approved).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { AwsResponse } from "local-cloud";
import type { ConsoleRequest } from "./context.js";

/** The query parameter of the printed URL that carries the token. */
export const TOKEN_PARAM = "token";

export class ConsoleSession {
  /** The cookie carrying the token: one name per port, so two Consoles on one machine don't collide. */
  readonly cookieName: string;
  private readonly tokenBytes: Buffer;

  constructor(
    readonly port: number,
    readonly token: string = randomBytes(32).toString("base64url"),
  ) {
    this.cookieName = `sst_console_${port}`;
    this.tokenBytes = Buffer.from(token);
  }

  /** The origins the Console is served on. */
  get origins(): string[] {
    return [`http://127.0.0.1:${this.port}`, `http://localhost:${this.port}`];
  }

  /** The URL to print: the page, with the token. */
  url(): string {
    return `http://127.0.0.1:${this.port}/?${TOKEN_PARAM}=${this.token}`;
  }

  /**
   * The answer that refuses `req`, or undefined when it may go on. Opening the printed URL
   * is answered here too (cookie and redirect).
   */
  admit(req: ConsoleRequest): AwsResponse | undefined {
    const host = req.headers.host ?? "";
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) {
      return refuse(403, "Forbidden", "The Console answers only on its loopback address.");
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) return refuse(403, "Forbidden", "The Console does not answer other origins.");
    const site = req.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin" && site !== "none") return refuse(403, "Forbidden", "The Console does not answer other sites.");

    const offered = req.path === "/" && (req.method === "GET" || req.method === "HEAD") ? req.query.get(TOKEN_PARAM) : null;
    if (offered !== null) {
      if (!this.matches(offered)) return refuse(401, "InvalidToken", "This Console link is from another run of `sst dev`. Open the URL it printed now (or run `sst console`).");
      const rest = new URLSearchParams(req.query);
      rest.delete(TOKEN_PARAM);
      const search = rest.size > 0 ? `?${rest}` : "";
      return {
        status: 303,
        headers: {
          location: `/${search}`,
          "set-cookie": `${this.cookieName}=${this.token}; Path=/; HttpOnly; SameSite=Strict`,
          "cache-control": "no-store",
          "referrer-policy": "no-referrer",
        },
        body: "",
      };
    }
    if (!this.matches(bearer(req.headers.authorization) ?? cookie(req.headers.cookie, this.cookieName))) {
      return refuse(401, "Unauthorized", "Open the Console with the URL `sst dev` printed (or run `sst console`): it carries this run's token.");
    }
    if (req.method !== "GET" && req.method !== "HEAD" && req.headers["x-sst-console"] !== "1") {
      return refuse(403, "Forbidden", "Console API calls that change something need the x-sst-console: 1 header.");
    }
    return undefined;
  }

  private matches(candidate: string | undefined): boolean {
    if (candidate === undefined) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === this.tokenBytes.length && timingSafeEqual(bytes, this.tokenBytes);
  }
}

function refuse(status: number, code: string, message: string): AwsResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    body: JSON.stringify({ error: { code, message } }),
  };
}

function bearer(header: string | undefined): string | undefined {
  return header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
}

/** The value of cookie `name` in a Cookie header (the first one: browsers send the most specific path first). */
function cookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let found: string | undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      found ??= part.slice(eq + 1).trim();
    }
  }
  return found;
}
