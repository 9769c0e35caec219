/**
 * An upload's body as PutObject and UploadPart take it: bytes in memory (small requests,
 * in-process calls), or a file a large request was streamed into (StagedUpload), whose
 * digests were computed on the way in. Either gives its length, MD5, checksums, and is
 * stored as a blob: bytes are written, a staged file is renamed into place.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { AwsError } from "../../../server/aws-error.js";
import type { BlobStore } from "../blobs.js";
import { computeChecksum, createChecksum, type ChecksumAlgorithm } from "../checksums.js";

export interface ReceivedBody {
  readonly length: number;
  md5(): Buffer;
  checksum(algorithm: ChecksumAlgorithm): string;
  /** Store as a blob; returns its name. */
  store(blobs: BlobStore): string;
}

export class StagedUpload implements ReceivedBody {
  private stored = false;

  constructor(
    /** The temp file holding the (decoded) body. */
    readonly file: string,
    readonly length: number,
    private readonly digest: Buffer,
    /** Checksums computed while receiving: those the request named. */
    private readonly checksums: ReadonlyMap<ChecksumAlgorithm, string>,
    /** aws-chunked trailers (x-amz-checksum-*), names lower-cased. */
    readonly trailers: Readonly<Record<string, string>>,
  ) {}

  md5(): Buffer {
    return this.digest;
  }

  /** A checksum the request did not name is computed from the file, a piece at a time. */
  checksum(algorithm: ChecksumAlgorithm): string {
    const known = this.checksums.get(algorithm);
    if (known !== undefined) return known;
    const running = createChecksum(algorithm);
    const fd = fs.openSync(this.file, "r");
    try {
      const buf = Buffer.allocUnsafe(1024 * 1024);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) running.update(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
    return running.digest();
  }

  store(blobs: BlobStore): string {
    const name = blobs.adopt(this.file, this.length);
    this.stored = true;
    return name;
  }

  /** The whole body, for an operation that takes its body in memory (a large XML document). */
  readAll(): Buffer {
    return fs.readFileSync(this.file);
  }

  /** Remove the temp file unless it became a blob (a failed check, an error, a refused request). */
  discard(): void {
    if (!this.stored) fs.rmSync(this.file, { force: true });
  }
}

class BytesBody implements ReceivedBody {
  constructor(private readonly data: Buffer) {}
  get length(): number {
    return this.data.length;
  }
  md5(): Buffer {
    return createHash("md5").update(this.data).digest();
  }
  checksum(algorithm: ChecksumAlgorithm): string {
    return computeChecksum(algorithm, this.data);
  }
  store(blobs: BlobStore): string {
    return blobs.write(this.data);
  }
}

/**
 * Where the codec puts a staged upload on the operation's input: beside `Body` (which
 * stays an empty Buffer, so input validation sees the modelled type), not enumerated.
 */
export const STAGED_BODY = Symbol("staged upload");

/** The body of a PutObject / UploadPart input: its staged file, else its bytes. */
export function receivedBody(input: { Body?: unknown; [STAGED_BODY]?: StagedUpload }): ReceivedBody {
  return input[STAGED_BODY] ?? new BytesBody(toBuffer(input.Body));
}

export function toBuffer(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new AwsError("InvalidArgument", "Body must be a Buffer, Uint8Array or string", 400);
}
