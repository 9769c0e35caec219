/**
 * SST v2's AstroSite: a Astro app deployed as a server function behind CloudFront. Under
 * `sst dev` it is not built or deployed (run the Astro dev server through `sst bind`);
 * see SsrSite.ts and BaseSite.ts. Deploying it is not supported yet, and says so.
 */
import type { Construct } from "constructs";
import { SsrSite, type Plan, type SsrSiteProps } from "./SsrSite.js";

export interface AstroSiteProps extends SsrSiteProps {}

export class AstroSite extends SsrSite {
  readonly constructType = "AstroSite";

  constructor(scope: Construct, id: string, props?: AstroSiteProps) {
    super(scope, id, props, "AstroSite");
    if (!this.doNotDeploy) throw new Error(`AstroSite "${id}": deploying a AstroSite is not supported yet; it works under "sst dev" (run its dev server through "sst bind").`);
  }

  protected plan(): Plan {
    throw new Error(`AstroSite "${this.id}": deploying is not supported yet`);
  }

  protected buildOutputs(): string[] {
    return [];
  }
}
