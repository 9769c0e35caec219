/**
 * `sst/node/api`: `Api.<id>.url` (and AppSyncApi / ApiGatewayV1Api) for the APIs bound to
 * this function, plus SST v2's ApiHandler, Response and request hooks.
 */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types` with this app's Apis. */
export interface ApiResources {}
export interface AppSyncApiResources {}
export interface ApiGatewayV1ApiResources {}

export const Api: ApiResources = /* @__PURE__ */ createProxy<ApiResources>("Api");
export const AppSyncApi: AppSyncApiResources = /* @__PURE__ */ createProxy<AppSyncApiResources>("AppSyncApi");
export const ApiGatewayV1Api: ApiGatewayV1ApiResources = /* @__PURE__ */ createProxy<ApiGatewayV1ApiResources>("ApiGatewayV1Api");

export * from "./handler.js";
export { useResponse, type CookieOptions, type ResponseBuilder } from "./response.js";
export { useEvent, useLambdaContext } from "../../context/handler.js";
