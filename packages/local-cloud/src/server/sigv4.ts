/**
 * SigV4 verification, for the Authorization header and for presigned URLs
 * (X-Amz-* query parameters). The local cloud checks signatures for real: a client
 * with the wrong secret gets the error AWS would give, and a presigned URL whose
 * expiry passed is refused.
 */
import { createHash, createHmac, hash } from "node:crypto";

export interface SignatureInfo {
  accessKeyId: string;
  date: string; // yyyymmdd
  region: string;
  service: string;
  signedHeaders: readonly string[];
  /** The SignedHeaders list as sent (";"-joined), which the canonical request repeats. */
  signedHeadersText: string;
  signature: string;
  amzDate: string; // yyyymmddThhmmssZ
  presigned: boolean;
  /** Presigned URLs: lifetime in seconds. */
  expires?: number;
  securityToken?: string;
}

export type SignatureProblem =
  | { kind: "malformed"; message: string }
  | { kind: "mismatch" }
  | { kind: "expired"; message: string }
  | { kind: "skewed"; message: string }
  /** A presigned URL dated beyond the allowed skew into the future. */
  | { kind: "not-yet-valid"; message: string };

/**
 * Read the signature parameters of a request, or undefined when it is unsigned. On every
 * signed request's path: the Authorization header is taken apart with indexOf, not split().
 */
export function readSignature(
  headers: Record<string, string>,
  query: URLSearchParams,
): SignatureInfo | { malformed: string } | undefined {
  const auth = headers["authorization"];
  if (auth !== undefined && auth.startsWith(ALGORITHM)) {
    const credential = authField(auth, "Credential=");
    const signedHeaders = authField(auth, "SignedHeaders=");
    const signature = authField(auth, "Signature=");
    const amzDate = headers["x-amz-date"] ?? "";
    const scope = credential?.split("/");
    if (!scope || scope.length !== 5 || !signedHeaders || !signature || !amzDate) {
      return { malformed: "Authorization header requires 'Credential', 'Signature', 'SignedHeaders' and a date" };
    }
    return {
      accessKeyId: scope[0]!,
      date: scope[1]!,
      region: scope[2]!,
      service: scope[3]!,
      signedHeaders: splitSignedHeaders(signedHeaders),
      signedHeadersText: signedHeaders,
      signature,
      amzDate,
      presigned: false,
      securityToken: headers["x-amz-security-token"],
    };
  }
  if (query.size === 0) return undefined;
  const credential = query.get("X-Amz-Credential");
  if (credential && query.get("X-Amz-Algorithm") === ALGORITHM) {
    const scope = credential.split("/");
    const signedHeaders = query.get("X-Amz-SignedHeaders");
    const signature = query.get("X-Amz-Signature");
    const amzDate = query.get("X-Amz-Date");
    const expires = query.get("X-Amz-Expires");
    // S3 wants every one of these; a URL without X-Amz-Expires is refused, not given a week.
    if (scope.length !== 5 || !signedHeaders || !signature || !amzDate || expires === null) {
      return { malformed: QUERY_PARAMETERS_REQUIRED };
    }
    return {
      accessKeyId: scope[0]!,
      date: scope[1]!,
      region: scope[2]!,
      service: scope[3]!,
      signedHeaders: signedHeaders.split(";"),
      signedHeadersText: signedHeaders,
      signature,
      amzDate,
      presigned: true,
      expires: Number(expires),
      securityToken: query.get("X-Amz-Security-Token") ?? undefined,
    };
  }
  return undefined;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const QUERY_PARAMETERS_REQUIRED =
  "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
/** How far a request's date may be from the clock, either way (AWS's 15 minutes). */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** The longest a presigned URL may live: seven days. */
export const MAX_PRESIGNED_EXPIRES = 604_800;

/**
 * The value of `name` (e.g. "Credential=") in an Authorization header: up to the next
 * comma, surrounding whitespace trimmed. The name must start the header's parameter list
 * or follow a comma (optionally spaced), so "XCredential=" does not match.
 */
function authField(auth: string, name: string): string | undefined {
  let at = auth.indexOf(name, ALGORITHM.length);
  while (at >= 0) {
    let before = at - 1;
    while (before >= ALGORITHM.length && (auth.charCodeAt(before) === 32 || auth.charCodeAt(before) === 9)) before--;
    if (before < ALGORITHM.length || auth.charCodeAt(before) === 44 /* , */) break;
    at = auth.indexOf(name, at + 1);
  }
  if (at < 0) return undefined;
  const from = at + name.length;
  const comma = auth.indexOf(",", from);
  return auth.slice(from, comma < 0 ? auth.length : comma).trim();
}

/** RFC 3986 percent-encoding, as SigV4 wants it. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function canonicalQuery(query: URLSearchParams, presigned: boolean): string {
  if (query.size === 0) return "";
  const pairs: [string, string][] = [];
  for (const [k, v] of query) {
    if (presigned && k === "X-Amz-Signature") continue;
    pairs.push([uriEncode(k), uriEncode(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/**
 * The canonical URI candidates for a raw request path. S3 signs the path as sent;
 * every other service signs it encoded once more. Clients differ in how they encode
 * reserved characters, so we accept the candidates a correct client could produce.
 */
const ROOT_ONLY = ["/"];

function canonicalUris(rawPath: string, service: string): string[] {
  // JSON protocols (DynamoDB, SQS, …) always POST to "/": every candidate is "/".
  if (rawPath === "/" || rawPath === "") return ROOT_ONLY;
  const path = rawPath || "/";
  const reencoded = path
    .split("/")
    .map((seg) => uriEncode(safeDecode(seg)))
    .join("/");
  if (service === "s3") return unique([path, reencoded]);
  const doubled = path
    .split("/")
    .map((seg) => uriEncode(seg))
    .join("/");
  const doubledFromNormal = reencoded
    .split("/")
    .map((seg) => uriEncode(seg))
    .join("/");
  return unique([doubled, doubledFromNormal, path, reencoded]);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const unique = (xs: string[]) => [...new Set(xs)];

// One-shot hashing (crypto.hash, Node >= 20.12) skips the Hash object: it is on every request's path.
const HAS_ONE_SHOT_HASH = typeof hash === "function";
const sha256Hex: (data: string | Buffer) => string =
  HAS_ONE_SHOT_HASH ? (data) => hash("sha256", data, "hex") : (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

const MAX_MESSAGE_BYTES = 1024;

/**
 * HMAC-SHA256 under one fixed key, as two one-shot hashes over preallocated
 * (key XOR pad) buffers: HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)). createHmac
 * builds a key object and a hash context per call; on every signed request's path this
 * is measurably cheaper. Messages too long for the buffer fall back to createHmac.
 */
export class FixedKeyHmac {
  private readonly inner: Buffer;
  private readonly outer: Buffer;

  constructor(private readonly key: Buffer) {
    // SHA-256 keys longer than the 64-byte block are hashed first; signing keys are 32 bytes.
    const k = key.length > 64 ? createHash("sha256").update(key).digest() : key;
    this.inner = Buffer.alloc(64 + MAX_MESSAGE_BYTES, 0x36);
    this.outer = Buffer.alloc(64 + 32, 0x5c);
    for (let i = 0; i < k.length; i++) {
      this.inner[i]! ^= k[i]!;
      this.outer[i]! ^= k[i]!;
    }
  }

  hex(message: string): string {
    // Three bytes of UTF-8 at most per UTF-16 unit: the message surely fits. (crypto.hash
    // arrived in Node 20.12; older 20.x takes the createHmac path.)
    if (HAS_ONE_SHOT_HASH && message.length <= MAX_MESSAGE_BYTES / 3) {
      const n = this.inner.write(message, 64, "utf8");
      hashInto(this.inner.subarray(0, 64 + n), this.outer);
      return hash("sha256", this.outer, "hex");
    }
    return createHmac("sha256", this.key).update(message).digest("hex");
  }
}

/** SHA-256 of `data`, written into the last 32 bytes of `target`. */
function hashInto(data: Buffer, target: Buffer): void {
  (hash("sha256", data, "buffer") as unknown as Buffer).copy(target, target.length - 32);
}

const signingKeyCache = new Map<string, FixedKeyHmac>();
/** The last key used: consecutive requests nearly always share secret, day, region and service. */
let lastKey: { secret: string; date: string; region: string; service: string; key: FixedKeyHmac } | undefined;

function signingKey(secret: string, date: string, region: string, service: string): FixedKeyHmac {
  const last = lastKey;
  if (last !== undefined && last.secret === secret && last.date === date && last.region === region && last.service === service) return last.key;
  const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
  let key = signingKeyCache.get(cacheKey);
  if (!key) {
    key = new FixedKeyHmac(hmac(hmac(hmac(hmac("AWS4" + secret, date), region), service), "aws4_request"));
    if (signingKeyCache.size > 1000) signingKeyCache.clear();
    signingKeyCache.set(cacheKey, key);
  }
  lastKey = { secret, date, region, service, key };
  return key;
}

/** SignedHeaders lists split once: a client sends the same list on every call. */
const signedHeaderLists = new Map<string, string[]>();
function splitSignedHeaders(text: string): string[] {
  let list = signedHeaderLists.get(text);
  if (list === undefined) {
    list = text.split(";");
    if (signedHeaderLists.size > 1000) signedHeaderLists.clear();
    signedHeaderLists.set(text, list);
  }
  return list;
}

/**
 * A header value in canonical form, as the AWS SDK's signer makes it: CR/LF become spaces,
 * runs of spaces and tabs become one space, a leading and a trailing space go. Values that
 * need no change (nearly all) are returned as they are, found by one scan of their characters.
 */
function canonicalHeaderValue(raw: string): string {
  const last = raw.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = raw.charCodeAt(i);
    if (c > 32 || !isSpace(c)) continue;
    if (c !== 32 || i === 0 || i === last || isSpace(raw.charCodeAt(i + 1))) {
      return raw.replace(/[\r\n]/g, " ").replace(/[ \t]+/g, " ").replace(/^ | $/g, "");
    }
  }
  return raw;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Epoch ms of a yyyymmddThhmmssZ stamp; the last one is remembered (most requests share the second). */
let lastAmzDate = "";
let lastAmzDateMs = NaN;
function parseAmzDate(amzDate: string): number {
  if (amzDate === lastAmzDate) return lastAmzDateMs;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
  lastAmzDate = amzDate;
  lastAmzDateMs = ms;
  return ms;
}

/**
 * The payload hash the canonical request carries. S3 signs the x-amz-content-sha256
 * header's claim, which may be a mode (UNSIGNED-PAYLOAD, STREAMING-…), and checks the
 * body against it itself, with its own error. Every other service hashes the body it
 * received, whatever the request claims: a body changed after signing, or signed as
 * UNSIGNED-PAYLOAD, makes the signature fail.
 */
function payloadHashOf(sig: SignatureInfo, req: { query: URLSearchParams; headers: Record<string, string>; body: Buffer }): string {
  if (sig.service !== "s3") return sha256Hex(req.body);
  const claimed = req.headers["x-amz-content-sha256"];
  if (sig.presigned) return req.query.get("X-Amz-Content-Sha256") ?? claimed ?? "UNSIGNED-PAYLOAD";
  return claimed ?? sha256Hex(req.body);
}

/** Equal-length hex strings compared without an early exit. */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Check a request's signature against the secret. Undefined when it holds. */
export function verifySignature(
  sig: SignatureInfo,
  secret: string,
  req: { method: string; path: string; query: URLSearchParams; headers: Record<string, string>; body: Buffer },
  now = Date.now(),
): SignatureProblem | undefined {
  const signedAt = parseAmzDate(sig.amzDate);
  if (Number.isNaN(signedAt)) return { kind: "malformed", message: `Invalid X-Amz-Date ${sig.amzDate}` };
  if (sig.presigned) {
    const expires = sig.expires!;
    if (!Number.isInteger(expires)) return { kind: "malformed", message: "X-Amz-Expires should be a number" };
    if (expires < 0) return { kind: "malformed", message: "X-Amz-Expires must be non-negative" };
    if (expires > MAX_PRESIGNED_EXPIRES) {
      return { kind: "malformed", message: `X-Amz-Expires must be less than a week (in seconds) that is; ${MAX_PRESIGNED_EXPIRES}` };
    }
    // Dated ahead of the clock: not valid yet (else a URL dated years ahead would live for years).
    if (signedAt - now > MAX_SKEW_MS) return { kind: "not-yet-valid", message: "Request is not valid yet" };
    if (now > signedAt + expires * 1000) return { kind: "expired", message: "Request has expired" };
  } else if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    return {
      kind: "skewed",
      message: `Signature expired: ${sig.amzDate} is now earlier than ${new Date(now - MAX_SKEW_MS).toISOString()}`,
    };
  }

  let headerLines = "";
  const signed = sig.signedHeaders;
  for (let i = 0; i < signed.length; i++) {
    const h = signed[i]!;
    headerLines += h + ":" + canonicalHeaderValue(req.headers[h] ?? "") + "\n";
  }
  const tail = headerLines + "\n" + sig.signedHeadersText + "\n" + payloadHashOf(sig, req);
  const query = canonicalQuery(req.query, sig.presigned);
  const head = `${ALGORITHM}\n${sig.amzDate}\n${sig.date}/${sig.region}/${sig.service}/aws4_request\n`;
  const key = signingKey(secret, sig.date, sig.region, sig.service);
  for (const uri of canonicalUris(req.path, sig.service)) {
    const canonical = req.method + "\n" + uri + "\n" + query + "\n" + tail;
    const actual = key.hex(head + sha256Hex(canonical));
    if (sameHex(actual, sig.signature)) return undefined;
  }
  return { kind: "mismatch" };
}
