/**
 * aws-chunked bodies (x-amz-content-sha256: STREAMING-…): the SDK frames a streamed
 * upload as `hex-size[;chunk-signature=…]\r\n<data>\r\n` chunks ending in a zero-size
 * chunk, optionally followed by trailer lines such as `x-amz-checksum-crc32:…`.
 * Chunk signatures, when present, are checked in chunk-signatures.ts.
 */
import { AwsError } from "../../server/aws-error.js";

export interface DecodedChunk {
  data: Buffer;
  /** The chunk-signature extension, when the framing is signed. */
  signature?: string;
}

export interface DecodedChunkedBody {
  data: Buffer;
  /** Every chunk including the final empty one, in order. */
  chunks: DecodedChunk[];
  /** Trailer headers, names lower-cased (x-amz-checksum-crc32, x-amz-trailer-signature). */
  trailers: Record<string, string>;
}

const CRLF = Buffer.from("\r\n");

function incomplete(): AwsError {
  return new AwsError("IncompleteBody", "The request body terminated unexpectedly", 400);
}

export function isChunkedUpload(headers: Record<string, string>): boolean {
  const sha = headers["x-amz-content-sha256"] ?? "";
  const encoding = headers["content-encoding"] ?? "";
  return sha.startsWith("STREAMING-") || encoding.split(",").some((e) => e.trim() === "aws-chunked");
}

export function decodeChunkedBody(body: Buffer): DecodedChunkedBody {
  const parts: Buffer[] = [];
  const chunks: DecodedChunk[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = body.indexOf(CRLF, pos);
    if (lineEnd < 0) throw incomplete();
    const header = body.toString("latin1", pos, lineEnd);
    const sizeText = header.split(";")[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) {
      throw new AwsError("InvalidChunkSizeError", "Only the last chunk is allowed to have a size less than 8192 bytes", 400);
    }
    const size = parseInt(sizeText, 16);
    const signature = /;\s*chunk-signature=([0-9a-fA-F]+)/.exec(header)?.[1];
    pos = lineEnd + 2;
    if (size === 0) {
      chunks.push({ data: Buffer.alloc(0), signature });
      break;
    }
    if (pos + size > body.length) throw incomplete();
    parts.push(body.subarray(pos, pos + size));
    chunks.push({ data: parts[parts.length - 1]!, signature });
    pos += size;
    // Each chunk's data is followed by CRLF.
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw incomplete();
    pos += 2;
  }
  const trailers: Record<string, string> = {};
  const rest = body.toString("utf8", pos);
  for (const line of rest.split(/\r?\n/)) {
    if (!line) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { data: parts.length === 1 ? parts[0]! : Buffer.concat(parts), chunks, trailers };
}
