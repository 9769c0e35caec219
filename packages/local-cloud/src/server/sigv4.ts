/**
 * SigV4 verification, for the Authorization header and for presigned URLs
 * (X-Amz-* query parameters). The local cloud checks signatures for real: a client
 * with the wrong secret gets the error AWS would give, and a presigned URL whose
 * expiry passed is refused.
 */
import { createHash, createHmac, hash, timingSafeEqual } from "node:crypto";

export interface SignatureInfo {
  accessKeyId: string;
  date: string; // yyyymmdd
  region: string;
  service: string;
  signedHeaders: string[];
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
  | { kind: "skewed"; message: string };

/** Read the signature parameters of a request, or undefined when it is unsigned. */
export function readSignature(
  headers: Record<string, string>,
  query: URLSearchParams,
): SignatureInfo | { malformed: string } | undefined {
  const auth = headers["authorization"];
  if (auth && auth.startsWith("AWS4-HMAC-SHA256")) {
    const fields: Record<string, string> = {};
    for (const part of auth.slice("AWS4-HMAC-SHA256".length).split(",")) {
      const eq = part.indexOf("=");
      if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    const scope = (fields.Credential ?? "").split("/");
    const amzDate = headers["x-amz-date"] ?? "";
    if (scope.length !== 5 || !fields.SignedHeaders || !fields.Signature || !amzDate) {
      return { malformed: "Authorization header requires 'Credential', 'Signature', 'SignedHeaders' and a date" };
    }
    return {
      accessKeyId: scope[0]!,
      date: scope[1]!,
      region: scope[2]!,
      service: scope[3]!,
      signedHeaders: fields.SignedHeaders.split(";"),
      signature: fields.Signature,
      amzDate,
      presigned: false,
      securityToken: headers["x-amz-security-token"],
    };
  }
  const credential = query.get("X-Amz-Credential");
  if (credential && query.get("X-Amz-Algorithm") === "AWS4-HMAC-SHA256") {
    const scope = credential.split("/");
    const signedHeaders = query.get("X-Amz-SignedHeaders");
    const signature = query.get("X-Amz-Signature");
    const amzDate = query.get("X-Amz-Date");
    if (scope.length !== 5 || !signedHeaders || !signature || !amzDate) {
      return { malformed: "Query-string authentication requires the X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Signature parameters" };
    }
    return {
      accessKeyId: scope[0]!,
      date: scope[1]!,
      region: scope[2]!,
      service: scope[3]!,
      signedHeaders: signedHeaders.split(";"),
      signature,
      amzDate,
      presigned: true,
      expires: Number(query.get("X-Amz-Expires") ?? "604800"),
      securityToken: query.get("X-Amz-Security-Token") ?? undefined,
    };
  }
  return undefined;
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
const sha256Hex: (data: string | Buffer) => string =
  typeof hash === "function" ? (data) => hash("sha256", data, "hex") : (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

const signingKeyCache = new Map<string, Buffer>();

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
  let key = signingKeyCache.get(cacheKey);
  if (!key) {
    key = hmac(hmac(hmac(hmac("AWS4" + secret, date), region), service), "aws4_request");
    if (signingKeyCache.size > 1000) signingKeyCache.clear();
    signingKeyCache.set(cacheKey, key);
  }
  return key;
}

/** Trimmed, inner whitespace runs collapsed; values that need no change are returned as they are. */
function canonicalHeaderValue(raw: string): string {
  return NEEDS_NORMALIZING.test(raw) ? raw.trim().replace(/\s+/g, " ") : raw;
}
// Leading/trailing whitespace, a run of it, or any whitespace other than a plain space.
const NEEDS_NORMALIZING = /^\s|\s$|\s\s|[^\S ]/;

function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
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
    if (!(sig.expires! >= 1 && sig.expires! <= 604800)) {
      return { kind: "malformed", message: "X-Amz-Expires must be between 1 and 604800 seconds" };
    }
    if (now > signedAt + sig.expires! * 1000) return { kind: "expired", message: "Request has expired" };
  } else if (Math.abs(now - signedAt) > 15 * 60 * 1000) {
    return {
      kind: "skewed",
      message: `Signature expired: ${sig.amzDate} is now earlier than ${new Date(now - 15 * 60 * 1000).toISOString()}`,
    };
  }

  let headerLines = "";
  for (const h of sig.signedHeaders) headerLines += `${h}:${canonicalHeaderValue(req.headers[h] ?? "")}\n`;
  let payloadHash: string;
  if (sig.presigned) {
    payloadHash = req.query.get("X-Amz-Content-Sha256") ?? req.headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD";
  } else {
    payloadHash = req.headers["x-amz-content-sha256"] ?? sha256Hex(req.body);
  }
  const query = canonicalQuery(req.query, sig.presigned);
  const scope = `${sig.date}/${sig.region}/${sig.service}/aws4_request`;
  const key = signingKey(secret, sig.date, sig.region, sig.service);
  const expected = Buffer.from(sig.signature, "hex");
  for (const uri of canonicalUris(req.path, sig.service)) {
    const canonical = [req.method, uri, query, headerLines, sig.signedHeaders.join(";"), payloadHash].join("\n");
    const toSign = `AWS4-HMAC-SHA256\n${sig.amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const actual = createHmac("sha256", key).update(toSign).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return undefined;
  }
  return { kind: "mismatch" };
}
