/**
 * SigV4 signing for the benchmark's requests, done once up front so the load generator
 * spends no time on crypto: each request becomes one pre-built HTTP/1.1 byte buffer that
 * is written as-is on a keep-alive socket. The servers still verify every signature.
 */
import { createHash, createHmac } from "node:crypto";

const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data).digest();

/** A complete HTTP/1.1 request (head + body) ready to write to a socket. */
export function signedRequest(host: string, target: string, payload: unknown, when = new Date()): Buffer {
  const body = JSON.stringify(payload);
  const amzDate = when.toISOString().replace(/[:-]|\.\d{3}/g, "");
  const date = amzDate.slice(0, 8);
  const payloadHash = createHash("sha256").update(body).digest("hex");
  const headers: Record<string, string> = {
    "content-type": "application/x-amz-json-1.0",
    host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
    "x-amz-target": target,
  };
  const names = Object.keys(headers).sort();
  const canonical = ["POST", "/", "", ...names.map((n) => `${n}:${headers[n]}`), "", names.join(";"), payloadHash].join("\n");
  const scope = `${date}/us-east-1/dynamodb/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  const key = hmac(hmac(hmac(hmac("AWS4test", date), "us-east-1"), "dynamodb"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=test/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  headers["content-length"] = String(Buffer.byteLength(body));
  const head = `POST / HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), Buffer.from(body)]);
}
