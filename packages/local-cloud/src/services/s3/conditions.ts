/**
 * Conditional reads and byte ranges for GetObject/HeadObject/CopyObject, following
 * RFC 7232 precedence as S3 does: If-Match over If-Unmodified-Since (412), then
 * If-None-Match over If-Modified-Since (304). Dates compare at whole seconds, the
 * precision of Last-Modified.
 */
import { AwsError } from "../../server/aws-error.js";
import { notModified, preconditionFailed } from "./errors.js";

export interface Preconditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date | string;
  IfUnmodifiedSince?: Date | string;
}

function etagListMatches(list: string, etag: string): boolean {
  return list.split(",").some((raw) => {
    const t = raw.trim().replace(/^W\//, "");
    return t === "*" || t.replace(/^"|"$/g, "") === etag;
  });
}

function seconds(d: Date | string | undefined): number | undefined {
  if (d === undefined || d === "") return undefined;
  const ms = d instanceof Date ? d.getTime() : Date.parse(d);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Throws PreconditionFailed (412) or NotModified (304). */
export function checkPreconditions(p: Preconditions, etag: string, lastModified: number, names = HEADER_NAMES): void {
  const modified = Math.floor(lastModified / 1000);
  if (p.IfMatch !== undefined) {
    if (!etagListMatches(p.IfMatch, etag)) throw preconditionFailed(names.IfMatch);
  } else {
    const since = seconds(p.IfUnmodifiedSince);
    if (since !== undefined && modified > since) throw preconditionFailed(names.IfUnmodifiedSince);
  }
  if (p.IfNoneMatch !== undefined) {
    if (etagListMatches(p.IfNoneMatch, etag)) throw notModified(`"${etag}"`, new Date(lastModified).toUTCString());
  } else {
    const since = seconds(p.IfModifiedSince);
    if (since !== undefined && modified <= since) throw notModified(`"${etag}"`, new Date(lastModified).toUTCString());
  }
}

const HEADER_NAMES = {
  IfMatch: "If-Match",
  IfUnmodifiedSince: "If-Unmodified-Since",
  IfNoneMatch: "If-None-Match",
  IfModifiedSince: "If-Modified-Since",
};

/** CopyObject's x-amz-copy-source-if-* checks fail with 412 in every case. */
export function checkCopySourcePreconditions(p: Preconditions, etag: string, lastModified: number): void {
  try {
    checkPreconditions(p, etag, lastModified, {
      IfMatch: "x-amz-copy-source-If-Match",
      IfUnmodifiedSince: "x-amz-copy-source-If-Unmodified-Since",
      IfNoneMatch: "x-amz-copy-source-If-None-Match",
      IfModifiedSince: "x-amz-copy-source-If-Modified-Since",
    });
  } catch (err) {
    if (err instanceof AwsError && err.status === 304) throw preconditionFailed("x-amz-copy-source-If-None-Match");
    throw err;
  }
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * Parse a single `bytes=` range against an object of `size` bytes. Syntax S3 does not
 * understand (several ranges, other units) is ignored and the whole object served;
 * a range starting past the end is 416 InvalidRange.
 */
export function resolveRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) throw invalidRange(header, size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < start) return undefined; // syntactically invalid: ignored
  }
  if (start >= size || size === 0) throw invalidRange(header, size);
  return { start, end };
}

function invalidRange(header: string, size: number): AwsError {
  return new AwsError("InvalidRange", "The requested range is not satisfiable", 416, {
    RangeRequested: header,
    ActualObjectSize: size,
  });
}
