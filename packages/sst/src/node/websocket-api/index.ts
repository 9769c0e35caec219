/**
 * `sst/node/websocket-api`: `WebSocketApi.<id>.url` and `WebSocketApiHandler`, whose
 * hooks read the WebSocket event. A subprotocol the client offered (often a token) is
 * echoed back, as API Gateway requires for the connection to open.
 */
import type { APIGatewayProxyResultV2, Context as LambdaContext } from "aws-lambda";
import { Handler, useEvent, type Handlers } from "../../context/handler.js";
import { useHeader } from "../api/handler.js";
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types`. */
export interface WebSocketApiResources {}

export const WebSocketApi: WebSocketApiResources = /* @__PURE__ */ createProxy<WebSocketApiResources>("WebSocketApi");

export function WebSocketApiHandler(cb: (evt: Handlers["ws"]["event"], ctx: LambdaContext) => Promise<APIGatewayProxyResultV2>) {
  return Handler("ws", async (evt, ctx) => {
    const result = await cb(evt, ctx);
    const protocol = useHeader("sec-websocket-protocol");
    if (!protocol) return result;
    return { ...(typeof result === "object" ? result : {}), headers: { "Sec-WebSocket-Protocol": protocol } };
  });
}

export function useRequestContext() {
  return useEvent("ws").requestContext;
}

export function useConnectionId(): string {
  return useRequestContext().connectionId;
}

export function useEventType() {
  return useRequestContext().eventType;
}
