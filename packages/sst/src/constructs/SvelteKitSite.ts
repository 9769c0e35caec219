/**
 * SST v2's SvelteKitSite: a SvelteKit app built with its `svelte-kit-sst` adapter,
 * which writes `.svelte-kit/svelte-kit-sst/` — `client/` (with the versioned `_app/`),
 * `prerendered/` and `server/` with the adapter's Lambda handler. The handler is
 * bundled (minified, the prerendered pages copied beside it) into a function behind a
 * function URL; the client files and the prerendered pages go to S3, with one
 * behaviour per top-level client file or folder. The CloudFront Function encodes query
 * keys holding "/" (form actions post to `?/action`). Under `sst dev` it is not built or
 * deployed (run `vite dev` through `sst bind`).
 */
import fs from "node:fs";
import path from "node:path";
import type { Construct } from "constructs";
import { SsrSite, type Plan, type SsrSiteProps } from "./SsrSite.js";

export interface SvelteKitSiteProps extends SsrSiteProps {
  /**
   * The path the app is served under, when it is not the root (SvelteKit's
   * `kit.paths.base`), e.g. "/docs". @default the root
   */
  basePath?: `/${string}`;
}

const OUT = ".svelte-kit/svelte-kit-sst";

export class SvelteKitSite extends SsrSite {
  readonly constructType = "SvelteKitSite";
  protected declare readonly props: SvelteKitSiteProps;

  constructor(scope: Construct, id: string, props?: SvelteKitSiteProps) {
    super(scope, id, { ...props, typesPath: props?.typesPath ?? "src" }, "SvelteKitSite");
    this.deploy();
  }

  protected buildOutputs(): string[] {
    return [".svelte-kit"];
  }

  protected plan(): Plan {
    const clientDir = `${OUT}/client`;
    const prerenderedDir = `${OUT}/prerendered`;
    const client = path.join(this.sitePath, clientDir);
    const versionFile = path.join(client, "_app", "version.json");
    if (!fs.existsSync(versionFile)) {
      throw new Error(`${this.owner}: no build output at "${path.join(this.sitePath, OUT)}". Use the "svelte-kit-sst" adapter in svelte.config.js and rebuild the site.`);
    }
    // S3 keys and behaviour patterns under the base path ("docs/…"), or at the root.
    const base = (this.props.basePath ?? "").replace(/^\/+|\/+$/g, "");
    const under = (item: string) => (base ? `${base}/${item}` : item);
    const debug = Boolean(process.env.SST_DEBUG);
    const edge = this.props.edge ?? false;
    const serverPlan = this.serverPlan(edge, {
      description: "Server handler for SvelteKit",
      handler: path.join(this.path, OUT, "server", "lambda-handler", "index.handler"),
      nodejs: {
        esbuild: {
          minify: !debug,
          sourcemap: debug ? ("inline" as const) : false,
          define: { "process.env.SST_DEBUG": debug ? "true" : "false" },
        },
      },
      copyFiles: [{ from: path.join(this.path, prerenderedDir), to: "prerendered" }],
    });
    return {
      edge,
      buildId: JSON.parse(fs.readFileSync(versionFile, "utf8")).version,
      cloudFrontFunctions: {
        serverCfFunction: {
          constructId: "CloudFrontFunction",
          injections: [
            this.hostHeaderInjection(),
            // CloudFront refuses "/" in query string keys; a form action posts to "?/name".
            `for (var key in request.querystring) {`,
            `  if (key.includes("/")) {`,
            `    request.querystring[encodeURIComponent(key)] = request.querystring[key];`,
            `    delete request.querystring[key];`,
            `  }`,
            `}`,
          ],
        },
      },
      // At the edge the server answers CloudFront's origin requests for the S3 origin.
      edgeFunctions: serverPlan.edgeFunctions,
      origins: {
        ...serverPlan.origins,
        s3: {
          type: "s3",
          copy: [
            { from: clientDir, to: base, cached: true, versionedSubDir: "_app" },
            { from: prerenderedDir, to: base, cached: false },
          ],
        },
      },
      behaviors: [
        serverPlan.behavior,
        ...this.staticBehaviors(client, { under }),
      ],
    };
  }
}
