/** `StaticSite.<id>.url`, `NextjsSite.<id>.url` … for the sites bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types`. */
export interface StaticSiteResources {}
export interface NextjsSiteResources {}
export interface AstroSiteResources {}
export interface RemixSiteResources {}
export interface SolidStartSiteResources {}
export interface SvelteKitSiteResources {}

export const StaticSite: StaticSiteResources = /* @__PURE__ */ createProxy<StaticSiteResources>("StaticSite");
export const NextjsSite: NextjsSiteResources = /* @__PURE__ */ createProxy<NextjsSiteResources>("NextjsSite");
export const AstroSite: AstroSiteResources = /* @__PURE__ */ createProxy<AstroSiteResources>("AstroSite");
export const RemixSite: RemixSiteResources = /* @__PURE__ */ createProxy<RemixSiteResources>("RemixSite");
export const SolidStartSite: SolidStartSiteResources = /* @__PURE__ */ createProxy<SolidStartSiteResources>("SolidStartSite");
export const SvelteKitSite: SvelteKitSiteResources = /* @__PURE__ */ createProxy<SvelteKitSiteResources>("SvelteKitSite");
