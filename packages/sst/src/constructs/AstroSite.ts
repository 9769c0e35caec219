/**
 * SST v2's AstroSite: an Astro app built with its `astro-sst` adapter, which writes
 * `dist/sst.buildMeta.json` (the output mode, the deployment strategy, every route
 * with its pattern). From it:
 *
 * - **server mode, regional** (the default): the server entry `dist/server/entry.mjs`
 *   bundled into a function behind a function URL; the default behaviour goes to an
 *   origin group that tries S3 first (prerendered pages, public files) and falls back
 *   to the server on 403/404; `_astro/*` from S3; `_image` and the adapter's
 *   `serverRoutes` straight to the server.
 * - **static mode**: the client output in S3 only.
 *
 * Both get a CloudFront Function that routes prerendered pages to their `.html` file
 * and answers redirects, and error responses for a `404`/`500` page. Under `sst dev`
 * it is not built or deployed (run `astro dev` through `sst bind`).
 */
import fs from "node:fs";
import path from "node:path";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type { Construct } from "constructs";
import { SsrSite, type Plan, type SsrSiteProps } from "./SsrSite.js";
import { astroRouteTable, type AstroRoute } from "./site/astro-routes.js";

export interface AstroSiteProps extends SsrSiteProps {}

/** What astro-sst writes to `dist/sst.buildMeta.json` (the parts used here). */
interface AstroBuildMeta {
  deploymentStrategy: "regional" | "edge" | "static";
  responseMode: "buffer" | "stream";
  outputMode: "server" | "static" | "hybrid";
  pageResolution: "file" | "directory";
  clientBuildOutputDir: string;
  clientBuildVersionedSubDir: string;
  routes: AstroRoute[];
  serverRoutes?: string[];
}

const BUILD_META = "sst.buildMeta.json";

export class AstroSite extends SsrSite {
  readonly constructType = "AstroSite";

  constructor(scope: Construct, id: string, props?: AstroSiteProps) {
    super(scope, id, { ...props, typesPath: props?.typesPath ?? "src" }, "AstroSite");
    this.deploy();
  }

  protected buildOutputs(): string[] {
    return ["dist"];
  }

  protected plan(): Plan {
    const meta = this.buildMeta();
    const isStatic = meta.outputMode === "static";
    const edge = meta.deploymentStrategy === "edge";
    const server = { description: "Server handler for Astro", handler: path.join(this.path, "dist", "server", "entry.handler") };
    const plan: Plan = {
      edge,
      cloudFrontFunctions: {
        serverCfFunction: { constructId: "CloudFrontFunction", injections: [this.hostHeaderInjection(), routingInjection(meta)] },
        serverCfFunctionHostOnly: { constructId: "CloudFrontFunctionHostOnly", injections: [this.hostHeaderInjection()] },
      },
      origins: {
        staticsServer: {
          type: "s3",
          copy: [{ from: meta.clientBuildOutputDir, to: "", cached: true, versionedSubDir: meta.clientBuildVersionedSubDir }],
        },
      },
      behaviors: [],
      errorResponses: [],
    };

    if (edge) {
      plan.edgeFunctions = { edgeServer: { constructId: "Server", function: { scopeOverride: this, ...server } } };
      plan.behaviors.push(
        { cacheType: "server", cfFunction: "serverCfFunction", edgeFunction: "edgeServer", origin: "staticsServer" },
        ...this.topLevelEntries(meta.clientBuildOutputDir).map((pattern) => ({ cacheType: "static" as const, pattern, origin: "staticsServer" })),
      );
      return plan;
    }

    if (isStatic) {
      plan.behaviors.push({ cacheType: "static", cfFunction: "serverCfFunction", origin: "staticsServer" });
    } else {
      plan.cloudFrontFunctions!.imageServiceCfFunction = { constructId: "ImageServiceCloudFrontFunction", injections: [this.hostHeaderInjection()] };
      plan.origins.regionalServer = { type: "function", constructId: "ServerFunction", function: server, streaming: meta.responseMode === "stream" };
      plan.origins.fallthroughServer = { type: "group", primaryOriginName: "staticsServer", fallbackOriginName: "regionalServer", fallbackStatusCodes: [403, 404] };
      plan.behaviors.push(
        { cacheType: "server", cfFunction: "serverCfFunction", origin: "fallthroughServer", allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS },
        { cacheType: "static", pattern: `${meta.clientBuildVersionedSubDir}/*`, origin: "staticsServer" },
        { cacheType: "server", pattern: "_image", cfFunction: "imageServiceCfFunction", origin: "regionalServer", allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS },
        ...(meta.serverRoutes ?? []).map((pattern) => ({ cacheType: "server" as const, cfFunction: "serverCfFunctionHostOnly", pattern, origin: "regionalServer" })),
      );
    }

    // A 404 or 500 page answers CloudFront's errors (prerendered: its .html file in S3).
    for (const { route, type, prerender } of meta.routes) {
      if (type !== "page") continue;
      const code = /^\/(404|500)\/?$/.exec(route)?.[1];
      if (code === "404") {
        plan.errorResponses!.push({ httpStatus: 404, responsePagePath: prerender ? "/404.html" : "/404", responseHttpStatus: 404 });
        // A missing file in a private bucket is S3's 403.
        if (isStatic) plan.errorResponses!.push({ httpStatus: 403, responsePagePath: "/404.html", responseHttpStatus: 404 });
      } else if (code === "500") {
        plan.errorResponses!.push({ httpStatus: 500, responsePagePath: prerender ? "/500.html" : "/500", responseHttpStatus: 500 });
      }
    }
    return plan;
  }

  private buildMeta(): AstroBuildMeta {
    const file = path.join(this.sitePath, "dist", BUILD_META);
    if (!fs.existsSync(file)) {
      throw new Error(`${this.owner}: could not find the build meta file at ${file}. Use the "astro-sst" adapter (2.x) in astro.config and rebuild the site.`);
    }
    try {
      return JSON.parse(fs.readFileSync(file, "utf8")) as AstroBuildMeta;
    } catch (e) {
      throw new Error(`${this.owner}: ${file} is not valid JSON (${(e as Error).message})`);
    }
  }

  /** A behaviour pattern for each file and folder at the top of the client output. */
  private topLevelEntries(clientDir: string): string[] {
    const dir = path.join(this.sitePath, clientDir);
    return fs.readdirSync(dir).map((item) => (fs.statSync(path.join(dir, item)).isDirectory() ? `${item}/*` : item));
  }
}

/**
 * The CloudFront Function's routing (SST v2's code, so the template is the same): a
 * prerendered page's path gets its `.html` file (`/about` → `/about/index.html`, or
 * `/about.html` with `build.format: "file"`); a redirect answers with its status.
 */
function routingInjection({ routes, pageResolution }: AstroBuildMeta): string {
  return `
  var routeData = ${astroRouteTable(routes)};
  var findFirstMatch = (matches) => Array.isArray(matches[0]) ? findFirstMatch(matches[0]) : matches;
  var findMatches = (path, routeData) => routeData.map((route) => route[0].test(path) ? Array.isArray(route[1]) ? findMatches(path, route[1]) : route : null).filter(route => route !== null && route.length > 0);
  var matchedRoute = findFirstMatch(findMatches(request.uri, routeData));
  if (matchedRoute[0]) {
    if (!matchedRoute[1] && !/^.*\\.[^\\/]+$/.test(request.uri)) {
      ${
        pageResolution === "file"
          ? `request.uri = request.uri === "/" ? "/index.html" : request.uri.replace(/\\/?$/, ".html");`
          : `request.uri = request.uri.replace(/\\/?$/, "/index.html");`
      }
    } else if (matchedRoute[1] === 2) {
      var redirectPath = matchedRoute[2];
      matchedRoute[0].exec(request.uri).forEach((match, index) => {
        redirectPath = redirectPath.replace(\`\\\${\${index}}\`, match);
      });
      return {
        statusCode: matchedRoute[3] || 308,
        headers: { location: { value: redirectPath } },
      };
    }
  }`;
}
