/**
 * The flexible checksums S3 accepts (x-amz-checksum-*): CRC32, CRC32C, CRC64NVME,
 * SHA1, SHA256, each the base64 of the big-endian digest. The AWS SDK v3 sends CRC32
 * by default, in a header or an aws-chunked trailer, and validates what GetObject
 * returns, so these must be exact.
 */
import { createHash } from "node:crypto";
import zlib from "node:zlib";

export const CHECKSUM_ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export const checksumHeader = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm.toLowerCase()}`;
/** The SDK output field, e.g. ChecksumCRC32. */
export const checksumField = (algorithm: ChecksumAlgorithm) => `Checksum${algorithm}`;

export function isChecksumAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

const CRC32C_TABLE = buildTable32(0x82f63b78);

function buildTable32(poly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Continues a CRC32C from `previous` (the finished value of the bytes before). */
function crc32c(data: Uint8Array, previous = 0): number {
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// CRC64/NVME: reflected polynomial 0x9a6c9329ac4bc9b5, kept as two 32-bit halves so
// the inner loop avoids BigInt.
const CRC64_HI = new Uint32Array(256);
const CRC64_LO = new Uint32Array(256);
{
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  for (let n = 0; n < 256; n++) {
    let hi = 0;
    let lo = n;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        hi = (hi ^ polyHi) >>> 0;
        lo = (lo ^ polyLo) >>> 0;
      }
    }
    CRC64_HI[n] = hi;
    CRC64_LO[n] = lo;
  }
}

/** The running (not yet finalized) CRC64/NVME register, as two 32-bit halves. */
interface Crc64State {
  hi: number;
  lo: number;
}

function crc64nvmeUpdate(state: Crc64State, data: Uint8Array): void {
  let { hi, lo } = state;
  for (let i = 0; i < data.length; i++) {
    const idx = (lo ^ data[i]!) & 0xff;
    const shiftedLo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
    const shiftedHi = hi >>> 8;
    hi = (shiftedHi ^ CRC64_HI[idx]!) >>> 0;
    lo = (shiftedLo ^ CRC64_LO[idx]!) >>> 0;
  }
  state.hi = hi;
  state.lo = lo;
}

function crc64nvmeDigest(state: Crc64State): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32BE((state.hi ^ 0xffffffff) >>> 0, 0);
  out.writeUInt32BE((state.lo ^ 0xffffffff) >>> 0, 4);
  return out;
}

function crc64nvme(data: Uint8Array): Buffer {
  const state = { hi: 0xffffffff, lo: 0xffffffff };
  crc64nvmeUpdate(state, data);
  return crc64nvmeDigest(state);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** The base64 checksum of `data`, as S3 and the SDK write it. */
export function computeChecksum(algorithm: ChecksumAlgorithm, data: Uint8Array): string {
  switch (algorithm) {
    case "CRC32":
      return u32(zlib.crc32(data)).toString("base64");
    case "CRC32C":
      return u32(crc32c(data)).toString("base64");
    case "CRC64NVME":
      return crc64nvme(data).toString("base64");
    case "SHA1":
      return createHash("sha1").update(data).digest("base64");
    case "SHA256":
      return createHash("sha256").update(data).digest("base64");
  }
}

/** A checksum computed piece by piece (a body streamed to disk), equal to computeChecksum of the whole. */
export interface RunningChecksum {
  update(data: Uint8Array): void;
  /** The base64 checksum of everything updated so far. */
  digest(): string;
}

export function createChecksum(algorithm: ChecksumAlgorithm): RunningChecksum {
  switch (algorithm) {
    case "CRC32":
    case "CRC32C": {
      const step = algorithm === "CRC32" ? zlib.crc32 : crc32c;
      let crc = 0;
      return { update: (data) => void (crc = step(data, crc)), digest: () => u32(crc).toString("base64") };
    }
    case "CRC64NVME": {
      const state = { hi: 0xffffffff, lo: 0xffffffff };
      return { update: (data) => crc64nvmeUpdate(state, data), digest: () => crc64nvmeDigest(state).toString("base64") };
    }
    case "SHA1":
    case "SHA256": {
      const hash = createHash(algorithm.toLowerCase());
      return { update: (data) => void hash.update(data), digest: () => hash.digest("base64") };
    }
  }
}

/** The checksum of nothing: the value SDK presigners bake into URLs signed without a body. */
export function emptyChecksum(algorithm: ChecksumAlgorithm): string {
  return computeChecksum(algorithm, new Uint8Array(0));
}
