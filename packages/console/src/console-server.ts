/**
 * The Console's request handler, on its own origin: the page shell, its script and
 * stylesheet, and the JSON API under `/api/`. Every request passes the session's checks
 * first (session.ts). Any failure becomes a JSON error the page shows; nothing a browser
 * sends can bring the server down.
 */
import type { AwsResponse } from "local-cloud";
import type { ConsoleContext, ConsoleRequest } from "./context.js";
import { InvocationLog } from "./invocation-log.js";
import { errorResponse } from "./http.js";
import { routeApi } from "./routes.js";
import { pageHtml, uiBundle } from "./ui-bundle.js";
import type { ConsoleSession } from "./session.js";

/** Sent with every answer: no framing, no sniffing, no referrer, readable by this origin only. */
const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  // Anything but the page itself (JSON, errors) may run and load nothing.
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};

/** Only our own script and style: user data rendered into the page can never run. */
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export class ConsoleServer {
  readonly log: InvocationLog;

  constructor(
    private readonly ctx: ConsoleContext,
    private readonly session: ConsoleSession,
  ) {
    this.log = new InvocationLog(ctx.cloud.events, ctx.historySize ?? 300);
  }

  readonly handle = async (req: ConsoleRequest): Promise<AwsResponse> => {
    const answer = await this.answer(req);
    answer.headers = { ...SECURITY_HEADERS, ...answer.headers };
    return answer;
  };

  private async answer(req: ConsoleRequest): Promise<AwsResponse> {
    try {
      const refused = this.session.admit(req);
      if (refused) return refused;
      let rest: string;
      try {
        rest = decodeURIComponent(req.path.slice(1));
      } catch {
        rest = "\u0000"; // Malformed percent-encoding: matches no route.
      }
      if (rest.startsWith("api/")) return await routeApi(this.ctx, this.log, req, rest.slice(4));
      if (req.method !== "GET" && req.method !== "HEAD") return errorResponse({ code: "MethodNotAllowed", message: `${req.method} is not allowed here`, status: 405 });
      if (rest === "app.js" || rest === "app.css") {
        const { js, css } = await uiBundle();
        return {
          status: 200,
          headers: { "content-type": rest === "app.js" ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8", "cache-control": "no-cache", "content-security-policy": PAGE_CSP },
          body: rest === "app.js" ? js : css,
        };
      }
      if (rest === "") {
        return {
          status: 200,
          headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": PAGE_CSP },
          body: pageHtml("/", `${this.ctx.app} · ${this.ctx.stage} · SST Console`),
        };
      }
      return errorResponse({ code: "NotFound", message: `Nothing at ${req.path}`, status: 404 });
    } catch (err) {
      return errorResponse(err);
    }
  }

  close(): void {
    this.log.close();
  }
}
