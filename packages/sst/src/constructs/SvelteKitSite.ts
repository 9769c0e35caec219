/**
 * SST v2's SvelteKitSite: a SvelteKit app deployed as a server function behind CloudFront. Under
 * `sst dev` it is not built or deployed (run the SvelteKit dev server through `sst bind`);
 * see SsrSite.ts and BaseSite.ts. Deploying it is not supported yet, and says so.
 */
import type { Construct } from "constructs";
import { SsrSite, type Plan, type SsrSiteProps } from "./SsrSite.js";

export interface SvelteKitSiteProps extends SsrSiteProps {}

export class SvelteKitSite extends SsrSite {
  readonly constructType = "SvelteKitSite";

  constructor(scope: Construct, id: string, props?: SvelteKitSiteProps) {
    super(scope, id, props, "SvelteKitSite");
    if (!this.doNotDeploy) throw new Error(`SvelteKitSite "${id}": deploying a SvelteKitSite is not supported yet; it works under "sst dev" (run its dev server through "sst bind").`);
  }

  protected plan(): Plan {
    throw new Error(`SvelteKitSite "${this.id}": deploying is not supported yet`);
  }

  protected buildOutputs(): string[] {
    return [];
  }
}
