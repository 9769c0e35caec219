/**
 * Reading a deployment package without trusting it. A zip's central directory says what
 * each entry inflates to; that figure is checked against Lambda's limit before anything
 * is inflated, and each entry is then inflated with its own figure as a hard cap (native
 * zlib stops as soon as the output would pass it), so an entry that claims little and
 * inflates to gigabytes costs nothing. Entries come one at a time: only the largest one
 * is ever in memory, never the whole unpacked package.
 */
import { inflateRawSync } from "node:zlib";

export interface ZipEntry {
  readonly name: string;
  /** What the central directory says the entry inflates to. */
  readonly size: number;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  /** Where the entry's local header starts. */
  readonly headerOffset: number;
}

export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const ZIP64_EXTRA = 0x0001;
const NO_32 = 0xffffffff;

/** The entries of the central directory, as declared. */
export function zipEntries(zip: Buffer): ZipEntry[] {
  // The end-of-central-directory record: the last 22 bytes plus at most a 64 KiB comment.
  let end = zip.length - 22;
  const stop = Math.max(0, zip.length - 22 - 0xffff);
  while (end >= stop && zip.readUInt32LE(end) !== EOCD) end--;
  if (end < stop) throw new ZipFormatError("no end of central directory");
  let count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  if (end >= 20 && zip.readUInt32LE(end - 20) === EOCD64_LOCATOR) {
    const at = Number(zip.readBigUInt64LE(end - 12));
    if (at + 56 > zip.length || zip.readUInt32LE(at) !== EOCD64) throw new ZipFormatError("bad zip64 end of central directory");
    count = Number(zip.readBigUInt64LE(at + 32));
    offset = Number(zip.readBigUInt64LE(at + 48));
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL_HEADER) throw new ZipFormatError("bad central directory entry");
    const method = zip.readUInt16LE(offset + 10);
    let compressedSize = zip.readUInt32LE(offset + 20);
    let size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    let headerOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    if (size === NO_32 || compressedSize === NO_32 || headerOffset === NO_32) {
      // Zip64: the real figures are in extra field 1, in this order, each only if needed.
      let extra = offset + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd && zip.readUInt16LE(extra) !== ZIP64_EXTRA) extra += 4 + zip.readUInt16LE(extra + 2);
      if (extra + 4 > extraEnd) throw new ZipFormatError("zip64 entry without its extra field");
      let field = extra + 4;
      const next = () => {
        const v = Number(zip.readBigUInt64LE(field));
        field += 8;
        return v;
      };
      if (size === NO_32) size = next();
      if (compressedSize === NO_32) compressedSize = next();
      if (headerOffset === NO_32) headerOffset = next();
    }
    entries.push({ name, size, method, compressedSize, headerOffset });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** An entry's content, inflated to at most its declared size; a mismatch is a format error. */
export function entryContent(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.headerOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_HEADER) throw new ZipFormatError(`bad local header for ${entry.name}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new ZipFormatError(`${entry.name} is cut short`);
  let content: Buffer;
  if (entry.method === 0) content = data;
  else if (entry.method === 8) {
    try {
      // (zlib wants a cap of at least one byte; an empty entry that yields one is caught below.)
      content = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
    } catch {
      throw new ZipFormatError(`${entry.name} does not inflate to its declared ${entry.size} bytes`);
    }
  } else throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}`);
  if (content.length !== entry.size) throw new ZipFormatError(`${entry.name} does not inflate to its declared ${entry.size} bytes`);
  return content;
}
