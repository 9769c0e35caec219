/**
 * SigV4 signing for the benchmark's requests, done once up front so the load generator
 * spends no time on crypto: each request becomes one pre-built HTTP/1.1 byte buffer that
 * is written as-is on a keep-alive socket. The servers still verify every signature.
 *
 * The head is the one the AWS SDK v3 DynamoDB client sends (captured from
 * @aws-sdk/client-dynamodb 3.x): the same headers, in the same order, with the same nine
 * signed headers and a fresh invocation id per request, so a server pays for parsing and
 * verifying exactly what real clients make it parse and verify.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";

const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data).digest();
const SDK = "aws-sdk-js/3.1168.0";

/** A complete HTTP/1.1 request (head + body) ready to write to a socket. */
export function signedRequest(host: string, target: string, payload: unknown, when = new Date()): Buffer {
  const body = JSON.stringify(payload);
  const amzDate = when.toISOString().replace(/[:-]|\.\d{3}/g, "");
  const date = amzDate.slice(0, 8);
  const payloadHash = createHash("sha256").update(body).digest("hex");
  const headers: Record<string, string> = {
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": target,
    "content-length": String(Buffer.byteLength(body)),
    "x-amz-user-agent": SDK,
    "user-agent": `${SDK} ua/2.1 os/linux#6.1 lang/js md/nodejs#20.20.2 api/dynamodb#3.1168.0 m/N,E,P,e`,
    host,
    "amz-sdk-invocation-id": randomUUID(),
    "amz-sdk-request": "attempt=1; max=4",
    "x-amz-date": amzDate,
    "x-amz-content-sha256": payloadHash,
  };
  const signed = Object.keys(headers).filter((n) => n !== "user-agent").sort();
  const canonical = ["POST", "/", "", ...signed.map((n) => `${n}:${headers[n]}`), "", signed.join(";"), payloadHash].join("\n");
  const scope = `${date}/us-east-1/dynamodb/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  const key = hmac(hmac(hmac(hmac("AWS4test", date), "us-east-1"), "dynamodb"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=test/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  const head = `POST / HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}Connection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), Buffer.from(body)]);
}
