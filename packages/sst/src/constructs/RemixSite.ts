/**
 * SST v2's RemixSite: a Remix app deployed as a server function behind CloudFront. Under
 * `sst dev` it is not built or deployed (run the Remix dev server through `sst bind`);
 * see SsrSite.ts and BaseSite.ts. Deploying it is not supported yet.
 */
import type { Construct } from "constructs";
import { SsrSite, type SsrSiteProps } from "./SsrSite.js";

export interface RemixSiteProps extends SsrSiteProps {}

export class RemixSite extends SsrSite {
  readonly constructType = "RemixSite";

  constructor(scope: Construct, id: string, props?: RemixSiteProps) {
    super(scope, id, props, "RemixSite");
  }
}
