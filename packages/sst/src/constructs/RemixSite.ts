/**
 * SST v2's RemixSite: a Remix app deployed as a server function behind CloudFront. Under
 * `sst dev` it is not built or deployed (run the Remix dev server through `sst bind`);
 * see SsrSite.ts and BaseSite.ts. Deploying it is not supported yet, and says so.
 */
import type { Construct } from "constructs";
import { SsrSite, type Plan, type SsrSiteProps } from "./SsrSite.js";

export interface RemixSiteProps extends SsrSiteProps {}

export class RemixSite extends SsrSite {
  readonly constructType = "RemixSite";

  constructor(scope: Construct, id: string, props?: RemixSiteProps) {
    super(scope, id, props, "RemixSite");
    if (!this.doNotDeploy) throw new Error(`RemixSite "${id}": deploying a RemixSite is not supported yet; it works under "sst dev" (run its dev server through "sst bind").`);
  }

  protected plan(): Plan {
    throw new Error(`RemixSite "${this.id}": deploying is not supported yet`);
  }

  protected buildOutputs(): string[] {
    return [];
  }
}
