/**
 * SST v2's AstroSite: a Astro app deployed as a server function behind CloudFront. Under
 * `sst dev` it is not built or deployed (run the Astro dev server through `sst bind`);
 * see SsrSite.ts and BaseSite.ts. Deploying it is not supported yet.
 */
import type { Construct } from "constructs";
import { SsrSite, type SsrSiteProps } from "./SsrSite.js";

export interface AstroSiteProps extends SsrSiteProps {}

export class AstroSite extends SsrSite {
  readonly constructType = "AstroSite";

  constructor(scope: Construct, id: string, props?: AstroSiteProps) {
    super(scope, id, props, "AstroSite");
  }
}
