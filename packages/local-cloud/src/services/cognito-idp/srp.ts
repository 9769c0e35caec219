/**
 * The server side of Cognito's SRP-6a sign-in (USER_SRP_AUTH → PASSWORD_VERIFIER), the
 * flow amazon-cognito-identity-js and Amplify use: the 3072-bit group of RFC 5054 with
 * generator 2, SHA-256, and Cognito's conventions on top of it — numbers hashed as
 * "padded hex" (an even number of digits, a leading 00 when the top bit is set), the
 * password folded in as H(poolName | userId | ":" | password), and a 16-byte key derived
 * from S with HKDF ("Caldera Derived Key") that signs pool name, user id, secret block
 * and timestamp.
 *
 * The pool keeps only a salt and a verifier per user (g^x), computed when a password is set.
 */
import { createDiffieHellman, createHash, createHmac, getDiffieHellman, randomBytes, timingSafeEqual } from "node:crypto";

/** RFC 5054's 3072-bit group is RFC 3526's group 15, which OpenSSL ships as modp15. */
const PRIME = getDiffieHellman("modp15").getPrime();
export const N = BigInt("0x" + PRIME.toString("hex"));
export const g = 2n;

const bytesOf = (n: bigint) => Buffer.from(n.toString(16).padStart(Math.ceil(n.toString(16).length / 2) * 2, "0"), "hex");

/**
 * base^exponent mod N through OpenSSL's Diffie-Hellman (some twenty times faster than
 * BigInt arithmetic): g^e is a public key for private key e, base^e a shared secret.
 * Values OpenSSL refuses as public keys (0, 1, N-1) fall back to BigInt.
 */
export function powN(base: bigint, exponent: bigint): bigint {
  try {
    const dh = createDiffieHellman(PRIME, Buffer.from([Number(g)]));
    dh.setPrivateKey(bytesOf(exponent));
    if (base === g) {
      dh.generateKeys();
      return BigInt("0x" + dh.getPublicKey("hex"));
    }
    return BigInt("0x" + dh.computeSecret(bytesOf(base)).toString("hex"));
  } catch {
    return modPow(base, exponent, N);
  }
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

/** Hex with an even number of digits, and a leading "00" when the first digit has its top bit set. */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = "0" + hex;
  else if ("89abcdef".includes(hex[0]!)) hex = "00" + hex;
  return hex;
}

const sha256Hex = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const hexHash = (hex: string) => sha256Hex(Buffer.from(hex, "hex"));
const toBig = (hex: string) => BigInt("0x" + hex);

export const k = toBig(hexHash(padHex(N) + padHex(g)));

/** The pool-name part of a pool id ("us-east-1_AbC123" → "AbC123"), which SRP hashes in. */
export const srpPoolName = (userPoolId: string) => userPoolId.slice(userPoolId.indexOf("_") + 1);

/** x = H(salt | H(poolName | userId | ":" | password)) */
function privateValue(poolName: string, userId: string, password: string, salt: bigint): bigint {
  return toBig(hexHash(padHex(salt) + sha256Hex(`${poolName}${userId}:${password}`)));
}

export interface SrpVerifier {
  /** Hex of the salt as it is sent (SALT). */
  salt: string;
  /** Hex of g^x mod N. */
  verifier: string;
}

export function makeVerifier(poolName: string, userId: string, password: string): SrpVerifier {
  const salt = toBig(randomBytes(16).toString("hex"));
  const x = privateValue(poolName, userId, password, salt);
  return { salt: padHex(salt), verifier: powN(g, x).toString(16) };
}

export interface ServerEphemeral {
  /** Hex of b. */
  secret: string;
  /** Hex of B = k·v + g^b mod N, sent as SRP_B. */
  public: string;
}

export function serverEphemeral(verifierHex: string): ServerEphemeral {
  for (;;) {
    const b = toBig(randomBytes(32).toString("hex"));
    const B = (k * toBig(verifierHex) + powN(g, b)) % N;
    if (B !== 0n) return { secret: b.toString(16), public: B.toString(16) };
  }
}

/** Whether the client's A is usable (A mod N ≠ 0, as the protocol requires). */
export function validClientPublic(aHex: string): boolean {
  if (!/^[0-9a-fA-F]+$/.test(aHex)) return false;
  return toBig(aHex) % N !== 0n;
}

/** The 16-byte key both sides derive: HKDF-SHA256 of S, salted with u. */
export function sessionKey(aHex: string, ephemeral: ServerEphemeral, verifierHex: string): Buffer {
  const A = toBig(aHex);
  const B = toBig(ephemeral.public);
  const u = toBig(hexHash(padHex(A) + padHex(B)));
  const S = powN((A * powN(toBig(verifierHex), u)) % N, toBig(ephemeral.secret));
  const prk = createHmac("sha256", Buffer.from(padHex(u), "hex")).update(Buffer.from(padHex(S), "hex")).digest();
  return createHmac("sha256", prk).update(Buffer.concat([Buffer.from("Caldera Derived Key", "utf8"), Buffer.from([1])])).digest().subarray(0, 16);
}

/** PASSWORD_CLAIM_SIGNATURE as the client must have computed it. */
export function claimSignature(key: Buffer, poolName: string, userId: string, secretBlockBase64: string, timestamp: string): string {
  return createHmac("sha256", key)
    .update(Buffer.concat([Buffer.from(poolName, "utf8"), Buffer.from(userId, "utf8"), Buffer.from(secretBlockBase64, "base64"), Buffer.from(timestamp, "utf8")]))
    .digest("base64");
}

export function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "base64");
  const b = Buffer.from(given, "base64");
  return a.length === b.length && timingSafeEqual(a, b);
}
