/**
 * Signed aws-chunked uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]): each
 * chunk's signature chains from the previous one, starting at the request's (seed)
 * signature, so a chunk altered or reordered in transit is refused like a bad
 * request signature.
 */
import { createHash, createHmac } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import type { DecodedChunkedBody } from "./chunked.js";

const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

export interface SeedSignature {
  accessKeyId: string;
  /** yyyymmdd/region/service/aws4_request */
  scope: string;
  amzDate: string;
  signature: string;
}

/** The seed from an `Authorization: AWS4-HMAC-SHA256 Credential=…, Signature=…` header. */
export function readSeedSignature(headers: Record<string, string>): SeedSignature | undefined {
  const auth = headers.authorization ?? "";
  const credential = /Credential=([^,\s]+)/.exec(auth)?.[1];
  const signature = /Signature=([0-9a-fA-F]+)/.exec(auth)?.[1];
  const amzDate = headers["x-amz-date"];
  if (!credential || !signature || !amzDate) return undefined;
  const slash = credential.indexOf("/");
  if (slash < 0) return undefined;
  return { accessKeyId: credential.slice(0, slash), scope: credential.slice(slash + 1), amzDate, signature };
}

function signingKey(secret: string, scope: string): Buffer {
  const [date, region, service] = scope.split("/");
  let key = createHmac("sha256", `AWS4${secret}`).update(date ?? "").digest();
  for (const part of [region ?? "", service ?? "", "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  return key;
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

function mismatch(): AwsError {
  return new AwsError(
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    403,
  );
}

/**
 * The same checks as verifyChunkSignatures, on a body that streams past: feed each
 * chunk's data, then its signature. A mismatch is remembered, not thrown, so framing
 * errors later in the body are still found first (as when the body is decoded whole).
 */
export class ChunkSignatureChain {
  private readonly key: Buffer;
  private previous: string;
  private hash = createHash("sha256");
  /** False once any signature failed to match. */
  valid = true;

  constructor(private readonly seed: SeedSignature, secret: string) {
    this.key = signingKey(secret, seed.scope);
    this.previous = seed.signature;
  }

  data(bytes: Buffer): void {
    this.hash.update(bytes);
  }

  chunkEnd(signature: string | undefined): void {
    const dataHash = this.hash.digest("hex");
    this.hash = createHash("sha256");
    if (!this.valid) return;
    if (!signature) return void (this.valid = false);
    const stringToSign = ["AWS4-HMAC-SHA256-PAYLOAD", this.seed.amzDate, this.seed.scope, this.previous, EMPTY_SHA256, dataHash].join("\n");
    const expected = createHmac("sha256", this.key).update(stringToSign).digest("hex");
    if (expected !== signature.toLowerCase()) this.valid = false;
    this.previous = expected;
  }

  /** Throws SignatureDoesNotMatch if any chunk, or the signed trailers, did not match. */
  finish(trailers: Record<string, string>): void {
    if (!this.valid) throw mismatch();
    checkTrailerSignature(trailers, this.seed, this.key, this.previous);
  }
}

function checkTrailerSignature(trailers: Record<string, string>, seed: SeedSignature, key: Buffer, previous: string): void {
  const trailerSignature = trailers["x-amz-trailer-signature"];
  if (trailerSignature === undefined) return;
  const canonical = Object.entries(trailers)
    .filter(([name]) => name !== "x-amz-trailer-signature")
    .map(([name, value]) => `${name}:${value}\n`)
    .join("");
  const stringToSign = ["AWS4-HMAC-SHA256-TRAILER", seed.amzDate, seed.scope, previous, sha256(canonical)].join("\n");
  if (createHmac("sha256", key).update(stringToSign).digest("hex") !== trailerSignature.toLowerCase()) throw mismatch();
}

/** Check every chunk signature (and the trailer's, when signed); throws SignatureDoesNotMatch. */
export function verifyChunkSignatures(decoded: DecodedChunkedBody, seed: SeedSignature, secret: string): void {
  const key = signingKey(secret, seed.scope);
  let previous = seed.signature;
  for (const chunk of decoded.chunks) {
    if (!chunk.signature) throw mismatch();
    const stringToSign = ["AWS4-HMAC-SHA256-PAYLOAD", seed.amzDate, seed.scope, previous, EMPTY_SHA256, sha256(chunk.data)].join("\n");
    const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
    if (expected !== chunk.signature.toLowerCase()) throw mismatch();
    previous = expected;
  }
  checkTrailerSignature(decoded.trailers, seed, key, previous);
}
