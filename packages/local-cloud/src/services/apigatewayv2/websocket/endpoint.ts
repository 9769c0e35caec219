/**
 * Where a WebSocket API answers locally: `ws://{apiId}.execute-api.localhost:{port}`, the
 * AWS form (`wss://{apiId}.execute-api.{region}.amazonaws.com`) with the cloud's port on
 * a name browsers take to loopback. Being host-based, `https://{domainName}/{stage}` (what
 * functions build from their event to reach the management API) leads back to it too.
 */
export function webSocketEndpoint(cloudEndpoint: string, apiId: string): string {
  const port = new URL(cloudEndpoint).port || "80";
  return `ws://${apiId}.execute-api.localhost:${port}`;
}
