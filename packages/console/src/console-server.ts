/**
 * The Console's request handler, mounted on the local cloud under `/_console/`: the
 * page shell, its script and stylesheet, and the JSON API. Any failure becomes a JSON
 * error the page shows; nothing a browser sends can bring the server down.
 */
import type { AwsRequest, AwsResponse } from "local-cloud";
import type { ConsoleContext } from "./context.js";
import { InvocationLog } from "./invocation-log.js";
import { errorResponse, guard } from "./http.js";
import { routeApi } from "./routes.js";
import { pageHtml, uiBundle } from "./ui-bundle.js";

export const CONSOLE_PREFIX = "/_console/";

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  // Only our own script and style: user data rendered into the page can never run.
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export class ConsoleServer {
  readonly log: InvocationLog;

  constructor(private readonly ctx: ConsoleContext) {
    this.log = new InvocationLog(ctx.cloud.events, ctx.historySize ?? 300);
  }

  readonly handle = async (req: AwsRequest): Promise<AwsResponse> => {
    try {
      const refused = guard(req);
      if (refused) return refused;
      let rest: string;
      try {
        rest = decodeURIComponent(req.path.slice(CONSOLE_PREFIX.length));
      } catch {
        rest = "\u0000"; // Malformed percent-encoding: matches no route.
      }
      if (req.path === CONSOLE_PREFIX.slice(0, -1)) return { status: 308, headers: { location: CONSOLE_PREFIX }, body: "" };
      if (rest.startsWith("api/")) return await routeApi(this.ctx, this.log, req, rest.slice(4));
      if (req.method !== "GET" && req.method !== "HEAD") return errorResponse({ code: "MethodNotAllowed", message: `${req.method} is not allowed here`, status: 405 });
      if (rest === "app.js" || rest === "app.css") {
        const { js, css } = await uiBundle();
        return {
          status: 200,
          headers: { "content-type": rest === "app.js" ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8", "cache-control": "no-cache", ...SECURITY_HEADERS },
          body: rest === "app.js" ? js : css,
        };
      }
      if (rest === "") {
        return {
          status: 200,
          headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", ...SECURITY_HEADERS },
          body: pageHtml(CONSOLE_PREFIX, `${this.ctx.app} · ${this.ctx.stage} · SST Console`),
        };
      }
      return errorResponse({ code: "NotFound", message: `Nothing at ${req.path}`, status: 404 });
    } catch (err) {
      return errorResponse(err);
    }
  };

  close(): void {
    this.log.close();
  }
}
