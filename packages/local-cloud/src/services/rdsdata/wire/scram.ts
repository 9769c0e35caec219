/**
 * The server side of SCRAM-SHA-256 (RFC 5802/7677), the password exchange Postgres asks
 * clients for by default: the password never crosses the socket, and the server proves
 * it knows it too. Channel binding is not offered (no TLS locally), so clients send the
 * `n,,` or `y,,` GS2 header.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

const ITERATIONS = 4096;

export interface ScramKeys {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();

/** What a server keeps of a password (Postgres keeps the same in pg_authid). */
export function scramKeys(password: string, salt = randomBytes(16)): ScramKeys {
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, ITERATIONS, 32, "sha256");
  const clientKey = hmac(salted, "Client Key");
  return { salt, storedKey: createHash("sha256").update(clientKey).digest(), serverKey: hmac(salted, "Server Key") };
}

export class ScramFailure extends Error {}

/** One exchange: `first()` answers the client-first message, `final()` checks the proof. */
export class ScramExchange {
  private clientFirstBare = "";
  private serverFirst = "";
  private nonce = "";

  constructor(private readonly keys: ScramKeys) {}

  /** The server-first message for the client's first message. */
  first(clientFirst: string): string {
    const m = /^([ny]|p=[^,]*),[^,]*,(.*)$/.exec(clientFirst);
    if (!m || m[1]!.startsWith("p=")) throw new ScramFailure("malformed SCRAM message (channel binding is not offered)");
    this.clientFirstBare = m[2]!;
    const clientNonce = /(?:^|,)r=([^,]+)/.exec(this.clientFirstBare)?.[1];
    if (!clientNonce) throw new ScramFailure("malformed SCRAM message (no nonce)");
    this.nonce = clientNonce + randomBytes(18).toString("base64");
    this.serverFirst = `r=${this.nonce},s=${this.keys.salt.toString("base64")},i=${ITERATIONS}`;
    return this.serverFirst;
  }

  /** The server-final message, or a ScramFailure when the proof is not the password's. */
  final(clientFinal: string): string {
    const proofAt = clientFinal.lastIndexOf(",p=");
    if (proofAt < 0) throw new ScramFailure("malformed SCRAM message (no proof)");
    const withoutProof = clientFinal.slice(0, proofAt);
    if (/(?:^|,)r=([^,]+)/.exec(withoutProof)?.[1] !== this.nonce) throw new ScramFailure("SCRAM nonce mismatch");
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), "base64");
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.keys.storedKey, authMessage);
    if (proof.length !== signature.length) throw new ScramFailure("wrong password");
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
    if (!timingSafeEqual(createHash("sha256").update(clientKey).digest(), this.keys.storedKey)) throw new ScramFailure("wrong password");
    return `v=${hmac(this.keys.serverKey, authMessage).toString("base64")}`;
  }
}
