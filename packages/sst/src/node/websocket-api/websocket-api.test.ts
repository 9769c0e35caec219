import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocketApiHandler, useConnectionId, useEventType } from "./index.js";
import { useQueryParam, useHeader } from "../api/index.js";

describe("WebSocketApiHandler", () => {
  it("exposes the connection to hooks and echoes the offered subprotocol", async () => {
    const h = WebSocketApiHandler(async () => ({ statusCode: 200, body: JSON.stringify([useConnectionId(), useEventType(), useQueryParam("room"), useHeader("Origin")]) }));
    const res: any = await h({
      requestContext: { connectionId: "c-1", eventType: "CONNECT", routeKey: "$connect" },
      headers: { "sec-websocket-protocol": "token123", origin: "http://x" },
      queryStringParameters: { room: "r1" },
    } as any, {} as any);
    assert.deepEqual(JSON.parse(res.body), ["c-1", "CONNECT", "r1", "http://x"]);
    assert.deepEqual(res.headers, { "Sec-WebSocket-Protocol": "token123" });
  });

  it("returns the result untouched without a subprotocol", async () => {
    const h = WebSocketApiHandler(async () => ({ statusCode: 200 }));
    assert.deepEqual(await h({ requestContext: { connectionId: "c", eventType: "MESSAGE" }, headers: {} } as any, {} as any), { statusCode: 200 });
  });
});
