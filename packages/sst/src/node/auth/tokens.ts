/**
 * Tokens are JWTs signed RS512 with the Auth construct's key pair, through fast-jwt as
 * in SST v2, so tokens from either verify in the other. Verification reports why a
 * token was refused instead of throwing: callers answer 401 or fall back to the public
 * session, never 500.
 */
import { createSigner, createVerifier, TokenError, type SignerOptions } from "fast-jwt";

export type TokenOptions = Partial<Omit<SignerOptions, "key" | "algorithm">>;

export type Verified =
  | { ok: true; payload: Record<string, any> }
  | { ok: false; reason: string };

const ALGORITHM = "RS512" as const;

/** Signers and verifiers parse their key once; keep them per key and options. */
const signers = new Map<string, (payload: Record<string, unknown>) => string>();
const verifiers = new Map<string, (token: string) => any>();

export function signToken(privateKey: string, payload: Record<string, unknown>, options: TokenOptions = {}): string {
  const cacheKey = `${privateKey}\0${JSON.stringify(options)}`;
  let sign = signers.get(cacheKey);
  if (!sign) {
    sign = createSigner({ ...options, key: privateKey, algorithm: ALGORITHM });
    signers.set(cacheKey, sign);
  }
  return sign(payload);
}

export function verifyToken(publicKey: string, token: string): Verified {
  let verify = verifiers.get(publicKey);
  if (!verify) {
    verify = createVerifier({ key: publicKey, algorithms: [ALGORITHM] });
    verifiers.set(publicKey, verify);
  }
  try {
    return { ok: true, payload: verify(token) };
  } catch (e) {
    return { ok: false, reason: describeRejection(e) };
  }
}

function describeRejection(e: unknown): string {
  if (!(e instanceof TokenError)) return `the token could not be verified (${(e as Error)?.message ?? e})`;
  switch (e.code) {
    case TokenError.codes.expired: return "the token has expired";
    case TokenError.codes.inactive: return "the token is not valid yet";
    case TokenError.codes.invalidSignature: return "the token's signature does not match this app's key";
    case TokenError.codes.invalidAlgorithm: return `the token is not signed with ${ALGORITHM}`;
    case TokenError.codes.malformed: return "the token is not a well-formed JWT";
    case TokenError.codes.missingSignature: return "the token is not signed";
    default: return `the token was refused (${e.message})`;
  }
}
