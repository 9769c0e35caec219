/**
 * SST v2's SolidStartSite: a SolidStart app deployed as a server function behind CloudFront. Under
 * `sst dev` it is not built or deployed (run the SolidStart dev server through `sst bind`);
 * see SsrSite.ts and BaseSite.ts. Deploying it is not supported yet, and says so.
 */
import type { Construct } from "constructs";
import { SsrSite, type Plan, type SsrSiteProps } from "./SsrSite.js";

export interface SolidStartSiteProps extends SsrSiteProps {}

export class SolidStartSite extends SsrSite {
  readonly constructType = "SolidStartSite";

  constructor(scope: Construct, id: string, props?: SolidStartSiteProps) {
    super(scope, id, props, "SolidStartSite");
    if (!this.doNotDeploy) throw new Error(`SolidStartSite "${id}": deploying a SolidStartSite is not supported yet; it works under "sst dev" (run its dev server through "sst bind").`);
  }

  protected plan(): Plan {
    throw new Error(`SolidStartSite "${this.id}": deploying is not supported yet`);
  }

  protected buildOutputs(): string[] {
    return [];
  }
}
