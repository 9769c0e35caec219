/**
 * SecureString values are encrypted at rest with AES-256-GCM under one key generated
 * the first time a cloud directory is used (like the account's aws/ssm KMS key). The
 * stored blob, base64, is also what GetParameter returns without WithDecryption.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const VERSION = 1;

export class SecureStringCipher {
  private readonly key: Buffer;

  constructor(dir: string) {
    const file = path.join(dir, "secure-string.key");
    if (fs.existsSync(file)) {
      this.key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
    } else {
      this.key = randomBytes(32);
      // wx: two processes racing on a fresh dir must not overwrite each other's key.
      try {
        fs.writeFileSync(file, this.key.toString("base64"), { mode: 0o600, flag: "wx" });
      } catch {
        this.key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
      }
    }
    if (this.key.length !== 32) throw new Error(`ssm: ${file} does not hold a 256-bit key`);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    // The parameter name is authenticated data: a blob copied to another name won't decrypt.
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString("base64");
  }

  decrypt(blob: string, context: string): string {
    const raw = Buffer.from(blob, "base64");
    if (raw[0] !== VERSION || raw.length < 29) throw new Error("ssm: unrecognised SecureString blob");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(1, 13));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(raw.subarray(13, 29));
    return Buffer.concat([decipher.update(raw.subarray(29)), decipher.final()]).toString("utf8");
  }
}
