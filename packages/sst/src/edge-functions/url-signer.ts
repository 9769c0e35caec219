/**
 * SST v2's URL signer (`regional.enableServerUrlIamAuth`): a Lambda@Edge function on
 * origin requests that signs CloudFront's request to a server function's URL with
 * SigV4 (service "lambda"), as the function's role, so the URL can be AWS_IAM and only
 * CloudFront reaches it. The signature covers what is sent: the origin's host, its path
 * and the viewer's path, the query string and the body (the association includes it).
 * Requests to S3 origins pass unsigned.
 */
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { CloudFrontRequestEvent, CloudFrontRequest } from "aws-lambda";

type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data) => (typeof d === "string" ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

/** The hash SigV4 takes: SHA-256, or HMAC-SHA-256 with a key. */
class Sha256 {
  private readonly hash;
  constructor(secret?: Data) {
    this.hash = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: Data): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** Headers SigV4 must not sign: CloudFront or a proxy may change them on the way. */
const UNSIGNED = new Set(["x-forwarded-for", "via", "x-amz-cf-id", "cloudfront-viewer-address"]);

export async function handler(event: CloudFrontRequestEvent): Promise<CloudFrontRequest> {
  const request = event.Records[0]!.cf.request;
  const origin = request.origin?.custom;
  if (!origin) return request;
  // "{id}.lambda-url.{region}.on.aws" on AWS; the function's own region otherwise.
  const region = /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(origin.domainName)?.[1] ?? process.env.AWS_REGION ?? "us-east-1";
  const headers: Record<string, string> = {};
  for (const [name, list] of Object.entries(request.headers)) if (!UNSIGNED.has(name)) headers[name] = list.map((h) => h.value).join(",");
  headers.host = origin.domainName;
  const body = request.body?.data ? Buffer.from(request.body.data, request.body.encoding === "base64" ? "base64" : "utf8") : undefined;
  headers["x-amz-content-sha256"] = createHash("sha256").update(body ?? "").digest("hex");
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(request.querystring)) {
    const prev = query[k];
    query[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
  }
  const signer = new SignatureV4({
    service: "lambda",
    region,
    sha256: Sha256,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!,
      sessionToken: process.env.AWS_SESSION_TOKEN,
    },
  });
  const signed = await signer.sign({
    method: request.method,
    protocol: "https:",
    hostname: origin.domainName,
    path: `${origin.path}${request.uri}`,
    query,
    headers,
    body,
  });
  for (const [name, value] of Object.entries(signed.headers)) {
    const key = name.toLowerCase();
    if (key === "host") continue;
    request.headers[key] = [{ key: name, value: String(value) }];
  }
  return request;
}
