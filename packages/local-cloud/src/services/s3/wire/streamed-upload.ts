/**
 * A large upload (PutObject, UploadPart) received from the socket straight into a temp
 * file in the blob directory, never held whole: the raw bytes are hashed for the
 * x-amz-content-sha256 check, aws-chunked framing is removed (and chunk signatures
 * checked) as they pass, and the data is written while its MD5 and the checksums the
 * request names are computed. The checks are made, and fail, in the order and with
 * the errors readWireRequest uses for a body in memory; a failed one removes the file.
 * MD5 and the payload's SHA-256 are computed on a worker thread (off-thread-hash.ts).
 */
import fs from "node:fs";
import { once } from "node:events";
import type { Readable } from "node:stream";
import { AwsError } from "../../../server/aws-error.js";
import type { AwsRequest } from "../../../types.js";
import type { BlobStore } from "../blobs.js";
import { CHECKSUM_ALGORITHMS, checksumHeader, createChecksum, type ChecksumAlgorithm, type RunningChecksum } from "../checksums.js";
import { ChunkedDecoder } from "../chunked-decoder.js";
import { isChunkedUpload } from "../chunked.js";
import { ChunkSignatureChain, readSeedSignature } from "../chunk-signatures.js";
import { StagedUpload } from "../ops/received-body.js";
import { OffThreadHash } from "./off-thread-hash.js";
import { checkPayloadHash } from "./request.js";

/** S3's largest single upload (PutObject, UploadPart): 5 GiB. */
const MAX_UPLOAD = 5 * 1024 * 1024 * 1024;

/** The checksums a request names: in x-amz-checksum-* headers or query parameters, x-amz-trailer, x-amz-sdk-checksum-algorithm. */
function namedChecksums(req: AwsRequest): ChecksumAlgorithm[] {
  const named = [req.headers["x-amz-trailer"], req.headers["x-amz-sdk-checksum-algorithm"], req.query.get("x-amz-sdk-checksum-algorithm")]
    .filter((v): v is string => v !== undefined && v !== null)
    .join(",")
    .toLowerCase();
  return CHECKSUM_ALGORITHMS.filter((a) => {
    const header = checksumHeader(a);
    return header in req.headers || req.query.has(header) || named.includes(header) || named.split(",").some((n) => n.trim() === a.toLowerCase());
  });
}

function tooLarge(size: number): AwsError {
  return new AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400, { ProposedSize: String(size), MaxSizeAllowed: String(MAX_UPLOAD) });
}

/**
 * Read `stream` (the request's body) to its end into a staged file.
 * @param secretOf as for readWireRequest: chunk signatures are checked when it knows the key.
 */
export async function receiveUpload(req: AwsRequest, stream: Readable, blobs: BlobStore, secretOf?: (accessKeyId: string) => string | undefined): Promise<StagedUpload> {
  const file = blobs.stagingPath();
  const out = fs.createWriteStream(file, { highWaterMark: 1024 * 1024 });
  // MD5 and the payload's SHA-256 on the hash worker: the main thread only copies.
  const md5 = new OffThreadHash("md5");
  const checksums = new Map<ChecksumAlgorithm, RunningChecksum>(namedChecksums(req).map((a) => [a, createChecksum(a)]));
  let length = 0;
  let pendingWrite: Promise<unknown> | undefined;
  const write = (bytes: Buffer) => {
    length += bytes.length;
    md5.update(bytes);
    for (const running of checksums.values()) running.update(bytes);
    if (!out.write(bytes)) pendingWrite ??= once(out, "drain").finally(() => (pendingWrite = undefined));
  };

  const claimed = req.headers["x-amz-content-sha256"];
  const rawHash = claimed && /^[0-9a-f]{64}$/i.test(claimed) ? new OffThreadHash("sha256") : undefined;
  const chunked = isChunkedUpload(req.headers);
  const mode = req.headers["x-amz-content-sha256"] ?? "";
  const seed = chunked && mode.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") && secretOf ? readSeedSignature(req.headers) : undefined;
  const secret = seed && secretOf!(seed.accessKeyId);
  const chain = seed && secret !== undefined ? new ChunkSignatureChain(seed, secret) : undefined;
  const decoder = chunked
    ? new ChunkedDecoder({
        data: (bytes) => {
          chain?.data(bytes);
          write(bytes);
        },
        chunkEnd: (signature) => chain?.chunkEnd(signature),
      })
    : undefined;
  let framingError: unknown;
  let raw = 0;
  try {
    try {
      for await (const piece of stream as AsyncIterable<Buffer>) {
        raw += piece.length;
        if (raw > MAX_UPLOAD) throw tooLarge(raw);
        rawHash?.update(piece);
        if (!decoder) write(piece);
        else if (framingError === undefined) {
          // After a framing error the rest is still read and hashed: the payload hash is checked first.
          try {
            decoder.push(piece);
          } catch (err) {
            framingError = err;
          }
        }
        if (pendingWrite) await pendingWrite;
        const hashing = md5.backlog();
        if (hashing) await hashing;
      }
    } finally {
      out.end();
      await once(out, "close");
    }
    const md5Digest = md5.digest();
    // Settled even when a check below throws first: no rejection left unhandled.
    md5Digest.catch(() => {});
    if (rawHash) checkPayloadHash(claimed, (await rawHash.digest()).toString("hex"));
    let trailers: Record<string, string> = {};
    if (decoder && raw > 0) {
      if (framingError !== undefined) throw framingError;
      trailers = decoder.end();
      chain?.finish(trailers);
      const declared = req.headers["x-amz-decoded-content-length"];
      if (declared !== undefined && Number(declared) !== length) {
        throw new AwsError("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header", 400);
      }
    }
    const digests = new Map([...checksums].map(([a, running]) => [a, running.digest()] as const));
    return new StagedUpload(file, length, await md5Digest, digests, trailers);
  } catch (err) {
    md5.drop();
    rawHash?.drop();
    out.destroy();
    fs.rmSync(file, { force: true });
    throw err;
  }
}
