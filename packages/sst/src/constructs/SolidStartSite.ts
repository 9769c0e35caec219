/**
 * SST v2's SolidStartSite: a SolidStart (0.x, Vite) app built with its
 * `solid-start-sst` adapter, which writes `dist/client` (the versioned `assets/`
 * folder included) and `dist/server/index.mjs`, the Lambda handler. The handler is
 * bundled into a function behind a function URL (or, with `edge: true`, a Lambda@Edge
 * function on the S3 origin's requests); the client files go to S3 with one behaviour
 * per top-level file or folder. Under `sst dev` it is not built or deployed (run
 * `solid-start dev` through `sst bind`).
 */
import fs from "node:fs";
import path from "node:path";
import type { Construct } from "constructs";
import { SsrSite, type Plan, type SsrSiteProps } from "./SsrSite.js";

export interface SolidStartSiteProps extends SsrSiteProps {}

const CLIENT = "dist/client";

export class SolidStartSite extends SsrSite {
  readonly constructType = "SolidStartSite";

  constructor(scope: Construct, id: string, props?: SolidStartSiteProps) {
    super(scope, id, props, "SolidStartSite");
    this.deploy();
  }

  protected buildOutputs(): string[] {
    return ["dist"];
  }

  protected plan(): Plan {
    const client = path.join(this.sitePath, CLIENT);
    if (!fs.existsSync(client)) {
      throw new Error(`${this.owner}: no build output at "${client}". Use the "solid-start-sst" adapter in vite.config and rebuild the site.`);
    }
    const edge = this.props.edge ?? false;
    const serverPlan = this.serverPlan(edge, { description: "Server handler for Solid", handler: path.join(this.path, "dist", "server", "index.handler") });
    return {
      edge,
      cloudFrontFunctions: { serverCfFunction: { constructId: "CloudFrontFunction", injections: [this.hostHeaderInjection()] } },
      edgeFunctions: serverPlan.edgeFunctions,
      origins: {
        ...serverPlan.origins,
        s3: { type: "s3", copy: [{ from: CLIENT, to: "", cached: true, versionedSubDir: "assets" }] },
      },
      behaviors: [
        serverPlan.behavior,
        ...this.staticBehaviors(client),
      ],
    };
  }
}
