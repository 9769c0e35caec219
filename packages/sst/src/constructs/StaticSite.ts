/**
 * SST v2's StaticSite (a built folder served from S3 + CloudFront). Under `sst dev`
 * nothing is built or deployed: the construct records its path and environment for
 * `sst bind` (see BaseSite.ts). Deploying it is not supported yet.
 */
import type { Construct } from "constructs";
import { BaseSite, type BaseSiteProps } from "./BaseSite.js";

export interface StaticSiteFileOptions {
  exclude: string | string[];
  include: string | string[];
  cacheControl: string;
  contentType?: string;
}

export interface StaticSiteProps extends BaseSiteProps {
  /** The site's folder, relative to the app's root (required). */
  path: string;
  /** Run in `path` to build the site, e.g. "npm run build". */
  buildCommand?: string;
  /** The build's output folder, relative to `path`. */
  buildOutput?: string;
  /** Default "index.html". */
  indexPage?: string;
  /** "redirect_to_index_page" or a page, e.g. "404.html". */
  errorPage?: "redirect_to_index_page" | (string & {});
  purgeFiles?: boolean;
  fileOptions?: StaticSiteFileOptions[];
  waitForInvalidation?: boolean;
  vite?: { types?: string };
}

export class StaticSite extends BaseSite {
  readonly constructType = "StaticSite";

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id, props, "StaticSite");
  }
}
