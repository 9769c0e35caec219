/**
 * SST v2's RemixSite: a Remix app built with its own build (`remix vite:build`, or the
 * classic `remix build` with remix.config.js), its server build wrapped in SST's Lambda
 * handler (support/remix-site-function: a function URL event in, Remix's Fetch
 * request handler, a function URL result out) and bundled with esbuild, Remix's
 * globals injected first. The client assets (Vite: `build/client`; classic: `public`,
 * with the fingerprinted `build/` folder) go to S3 with one behaviour per top-level
 * file or folder; everything else goes to the server. Under `sst dev` it is not built
 * or deployed (run `remix dev` through `sst bind`). With `edge: true` the server is a
 * Lambda@Edge function answering the default behaviour's origin requests.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Construct } from "constructs";
import { SsrSite, type Plan, type SsrSiteProps } from "./SsrSite.js";

const SUPPORT = fileURLToPath(new URL("../../support/remix-site-function/", import.meta.url));

export interface RemixSiteProps extends SsrSiteProps {}

/** The classic compiler's settings SST v2 relies on (it rejects any other value). */
const CLASSIC_DEFAULTS: Record<string, string> = {
  assetsBuildDirectory: "public/build",
  publicPath: "/build/",
  serverBuildPath: "build/index.js",
  serverPlatform: "node",
};

export class RemixSite extends SsrSite {
  readonly constructType = "RemixSite";

  constructor(scope: Construct, id: string, props?: RemixSiteProps) {
    super(scope, id, props, "RemixSite");
    this.deploy();
  }

  protected buildOutputs(): string[] {
    return ["build", ...(this.usesVite() ? [] : ["public/build"])];
  }

  protected plan(): Plan {
    const vite = this.usesVite();
    if (!vite) this.checkClassicConfig();
    const edge = this.props.edge ?? false;
    const handler = this.writeServerHandler(vite, edge ? "edge-server.js" : "regional-server.js");
    const serverPlan = this.serverPlan(edge, {
      description: "Server handler for Remix",
      handler,
      nodejs: { esbuild: { inject: [path.join(this.sitePath, "build", "polyfill.js")] } },
    });
    const assetsPath = vite ? path.join("build", "client") : "public";
    const assetsDir = path.join(this.sitePath, assetsPath);
    if (!fs.existsSync(assetsDir)) throw new Error(`${this.owner}: no client assets at "${assetsDir}" (did the Remix build run?)`);
    return {
      edge,
      cloudFrontFunctions: {
        serverCfFunction: { constructId: "CloudFrontFunction", injections: [this.hostHeaderInjection()] },
        staticCfFunction: {
          constructId: "CloudFrontFunctionForStaticBehavior",
          // File names with characters such as "+" (remix-flat-routes) must be encoded to match S3's keys.
          injections: [`request.uri = request.uri.split('/').map(encodeURIComponent).join('/');`],
        },
      },
      // At the edge the server answers CloudFront's origin requests for the S3 origin.
      edgeFunctions: serverPlan.edgeFunctions,
      origins: {
        ...serverPlan.origins,
        s3: { type: "s3", copy: [{ from: assetsPath, to: "", cached: true, versionedSubDir: vite ? undefined : "build" }] },
      },
      behaviors: [
        serverPlan.behavior,
        ...this.staticBehaviors(assetsDir, { cfFunction: "staticCfFunction" }),
      ],
    };
  }

  private usesVite(): boolean {
    return ["vite.config.ts", "vite.config.js"].some((f) => fs.existsSync(path.join(this.sitePath, f)));
  }

  /** A classic (remix.config.js) build must use the default paths SST v2 expects. */
  private checkClassicConfig(): void {
    const file = path.join(this.sitePath, "remix.config.js");
    if (!fs.existsSync(file)) throw new Error(`${this.owner}: could not find "remix.config.js" at "${file}" (or a vite.config.ts for a Vite build)`);
    let config: Record<string, unknown>;
    try {
      config = createRequire(import.meta.url)(file);
    } catch {
      // An ES module config (Remix 2's default) cannot be required: its defaults are assumed, as SST v2 does.
      return;
    }
    for (const [key, expected] of Object.entries(CLASSIC_DEFAULTS)) {
      const value = config[key] ?? expected;
      if (value !== expected) throw new Error(`${this.owner}: remix.config.js "${key}" must be "${expected}" (it is "${String(value)}")`);
    }
  }

  /**
   * SST v2's server entry: `build/server.js` imports the server build and exports the
   * Lambda handler; `build/polyfill.js` installs Remix's globals. Returns the handler.
   */
  private writeServerHandler(vite: boolean, wrapper: "regional-server.js" | "edge-server.js"): string {
    const buildDir = path.join(this.sitePath, "build");
    fs.mkdirSync(buildDir, { recursive: true });
    const entry = [
      `// Import the server build that was produced by 'remix build'`,
      vite ? `import * as remixServerBuild from "./server/index.js";` : `import * as remixServerBuild from "./index.js";`,
      ``,
      fs.readFileSync(path.join(SUPPORT, wrapper), "utf8"),
    ].join("\n");
    writeIfChanged(path.join(buildDir, "server.js"), entry);
    writeIfChanged(path.join(buildDir, "polyfill.js"), fs.readFileSync(path.join(SUPPORT, "polyfill.js"), "utf8"));
    return path.join(this.path, "build", "server.handler");
  }
}

function writeIfChanged(file: string, content: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return;
  fs.writeFileSync(file, content);
}
