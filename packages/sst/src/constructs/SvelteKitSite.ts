/**
 * SST v2's SvelteKitSite: a SvelteKit app deployed as a server function behind CloudFront. Under
 * `sst dev` it is not built or deployed (run the SvelteKit dev server through `sst bind`);
 * see SsrSite.ts and BaseSite.ts. Deploying it is not supported yet.
 */
import type { Construct } from "constructs";
import { SsrSite, type SsrSiteProps } from "./SsrSite.js";

export interface SvelteKitSiteProps extends SsrSiteProps {}

export class SvelteKitSite extends SsrSite {
  readonly constructType = "SvelteKitSite";

  constructor(scope: Construct, id: string, props?: SvelteKitSiteProps) {
    super(scope, id, props, "SvelteKitSite");
  }
}
