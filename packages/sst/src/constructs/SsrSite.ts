/**
 * The props SST v2's server-rendered sites share (NextjsSite, RemixSite, AstroSite,
 * SvelteKitSite, SolidStartSite): a site plus the settings of its server function.
 * In dev the server function is not created; `bind` and `permissions` are recorded
 * and the bound resources reach the framework's dev server through `sst bind`.
 */
import type { Construct } from "constructs";
import { BaseSite, type BaseSiteProps } from "./BaseSite.js";
import type { SSTDuration, SSTSize } from "./util/duration.js";
import type { BindingResource, Permissions } from "./util/permission.js";
import type { Runtime } from "./Function.js";

export interface SsrSiteProps extends BaseSiteProps {
  /** Default "." (the app's root). */
  path?: string;
  buildCommand?: string;
  bind?: BindingResource[];
  permissions?: Permissions;
  runtime?: Runtime;
  timeout?: SSTDuration;
  memorySize?: SSTSize;
  regional?: { enableServerUrlIamAuth?: boolean; prefetchSecrets?: boolean };
  edge?: boolean;
  warm?: number;
  waitForInvalidation?: boolean;
  nodejs?: Record<string, unknown>;
}

export abstract class SsrSite extends BaseSite {
  protected constructor(scope: Construct, id: string, props: SsrSiteProps | undefined, type: string) {
    super(scope, id, props ?? {}, type, ".");
    if (props?.bind) this.bind(props.bind);
    if (props?.permissions) this.attachPermissions(props.permissions);
    if (!this.doNotDeploy && !this.deploys()) {
      throw new Error(`${type} "${id}": deploying a ${type} is not supported yet; it works under "sst dev" (run its dev server through "sst bind").`);
    }
  }

  /** Whether this site type can be deployed (built and served by the CDN). */
  protected deploys(): boolean {
    return false;
  }
}
