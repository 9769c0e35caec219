/**
 * Test helper: requests signed by the AWS SDK's own SigV4 signer (@smithy/signature-v4),
 * sent raw with node:http so a test controls every header (Host, Origin, Sec-Fetch-Site,
 * Content-Type) as an attacker or an unusual client would — and presigned URLs for any
 * service, as a page would be handed one.
 */
import http from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";

export { Sha256 } from "./kernel/sha256.js";
import { Sha256 } from "./kernel/sha256.js";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ADMIN: Credentials = { accessKeyId: "test", secretAccessKey: "test" };

export interface RequestSpec {
  /** e.g. http://127.0.0.1:4570 */
  endpoint: string;
  service: string;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  /** Signed along with the request unless listed in `unsigned`. */
  headers?: Record<string, string>;
  /** Sent, not signed: added after signing (as a browser adds Origin). */
  unsigned?: Record<string, string>;
  body?: string | Buffer;
  credentials?: Credentials;
  region?: string;
  /** The Host header (and the host signed), when it is not the endpoint's. */
  host?: string;
  signingDate?: Date;
}

function signer(spec: RequestSpec): SignatureV4 {
  return new SignatureV4({ service: spec.service, region: spec.region ?? "us-east-1", credentials: spec.credentials ?? ADMIN, sha256: Sha256, applyChecksum: false });
}

function unsignedRequest(spec: RequestSpec) {
  const url = new URL(spec.endpoint);
  return {
    method: spec.method ?? "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: spec.path ?? "/",
    query: spec.query ?? {},
    headers: { host: spec.host ?? url.host, ...(spec.headers ?? {}) },
    body: spec.body,
  };
}

function queryString(query: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) q.append(k, String(v));
  // SigV4 encodes spaces as %20; URLSearchParams writes "+", which S3 decodes back alike.
  const text = q.toString().replace(/\+/g, "%20");
  return text ? `?${text}` : "";
}

/** A URL presigned with `credentials` (the admin by default), valid `expiresIn` seconds. */
export async function presignedUrl(spec: RequestSpec & { expiresIn?: number }): Promise<string> {
  const request = unsignedRequest({ ...spec, method: spec.method ?? "GET" });
  const signed = await signer(spec).presign(request, { expiresIn: spec.expiresIn ?? 300, ...(spec.signingDate ? { signingDate: spec.signingDate } : {}) });
  return `${spec.endpoint}${request.path}${queryString(signed.query ?? {})}`;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Signs `spec` in the Authorization header and sends it raw; resolves with the answer, whatever its status. */
export async function sendSigned(spec: RequestSpec): Promise<RawResponse> {
  const request = unsignedRequest(spec);
  const signed = await signer(spec).sign(request, spec.signingDate ? { signingDate: spec.signingDate } : {});
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k] = String(v);
  return sendRaw(`${spec.endpoint}${request.path}${queryString(signed.query ?? {})}`, { method: request.method, headers: { ...headers, ...(spec.unsigned ?? {}) }, body: spec.body });
}

/** Sends a request with exactly these headers (Host included) through node:http. */
export function sendRaw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? "GET", headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}
