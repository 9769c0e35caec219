/**
 * SST v2's NextjsSite: a Next.js app deployed as a server function behind CloudFront. Under
 * `sst dev` it is not built or deployed (run the Next.js dev server through `sst bind`);
 * see SsrSite.ts and BaseSite.ts. Deploying it is not supported yet.
 */
import type { Construct } from "constructs";
import { SsrSite, type SsrSiteProps } from "./SsrSite.js";
import type { SSTSize } from "./util/duration.js";

export interface NextjsSiteProps extends SsrSiteProps {
  openNextVersion?: string;
  imageOptimization?: { memorySize?: SSTSize; staticImageOptimization?: boolean };
  experimental?: { streaming?: boolean; disableIncrementalCache?: boolean; disableDynamoDBCache?: boolean };
}

export class NextjsSite extends SsrSite {
  readonly constructType = "NextjsSite";

  constructor(scope: Construct, id: string, props?: NextjsSiteProps) {
    super(scope, id, props, "NextjsSite");
  }
}
