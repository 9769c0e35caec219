/**
 * An origin request to the local cloud itself (a function URL's `/_aws/lambda-url/…`,
 * an API on `127.0.0.1:{port}`): sent over HTTP to the cloud's own endpoint, as
 * CloudFront reaches any origin, so the edge needs nothing of the cloud's insides. The
 * Host header is kept (the cloud routes by it); the answer comes back whole.
 */
import http from "node:http";
import type { AwsRequest, AwsResponse } from "../../../types.js";

export function requestOwnEndpoint(endpoint: string, req: AwsRequest): Promise<AwsResponse> {
  const url = new URL(endpoint);
  const query = req.query.toString();
  const body = req.body ?? Buffer.alloc(0);
  const headers: Record<string, string> = { ...req.headers };
  delete headers["transfer-encoding"];
  headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const out = http.request(
      { host: url.hostname, port: url.port, method: req.method, path: `${req.path}${query ? `?${query}` : ""}`, headers, setHost: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const answer: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v === undefined || k === "content-length" || k === "transfer-encoding" || k === "connection" || k === "keep-alive") continue;
            answer[k] = v;
          }
          resolve({ status: res.statusCode ?? 502, headers: answer as Record<string, string>, body: Buffer.concat(chunks) });
        });
      },
    );
    out.on("error", reject);
    out.end(body);
  });
}
