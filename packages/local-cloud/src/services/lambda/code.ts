/**
 * Deployment packages: the zip comes inline (ZipFile) or from S3; CodeSha256 is the
 * base64 SHA-256 of the zip, as AWS reports it. The zip is unpacked once into a
 * content-addressed directory, so functions and versions with the same code share it
 * and a redeploy of unchanged code costs nothing.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { ZipFormatError, entryContent, zipEntries, type ZipEntry } from "./zip-entries.js";
import { AwsError } from "../../server/aws-error.js";
import type { LambdaCloud } from "./runtime/cloud-deps.js";
import { invalidParameter, tooLarge } from "./errors.js";
import { violationMessage } from "../../wire/constraints.js";
import { bodyToBuffer } from "../../kernel/body-bytes.js";

/** AWS's limits: 50 MB zipped inline (the request limit is what the error names), 250 MB unzipped. */
export const MAX_INLINE_REQUEST = 69_905_067;
const MAX_ZIP_BYTES = 50 * 1024 * 1024;
const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;

export interface CodeInput {
  ZipFile?: Uint8Array | string;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
  ImageUri?: string;
}

export interface InstalledCode {
  codeDir: string;
  sha256: string;
  size: number;
}

export async function fetchZip(cloud: LambdaCloud, code: CodeInput | undefined, operation: string): Promise<Buffer> {
  if (!code || typeof code !== "object") {
    throw new AwsError("ValidationException", violationMessage(null, "code", "Member must not be null"), 400);
  }
  if (code.ImageUri) throw invalidParameter("Container images are not supported by the local cloud; use a .zip deployment package.");
  if (code.ZipFile !== undefined) {
    const zip = typeof code.ZipFile === "string" ? Buffer.from(code.ZipFile, "base64") : Buffer.from(code.ZipFile);
    if (zip.length > MAX_ZIP_BYTES) throw tooLarge(MAX_INLINE_REQUEST, operation);
    return zip;
  }
  if (code.S3Bucket && code.S3Key) {
    if (!cloud.s3) throw invalidParameter("Error occurred while GetObject. S3 Error Code: ServiceUnavailable. S3 Error Message: S3 is not running");
    const location = { Bucket: code.S3Bucket, Key: code.S3Key, VersionId: code.S3ObjectVersion };
    // Sized before it is read: a package can hold no more than 250 MB, zipped or not.
    const head = await cloud.s3.call("HeadObject", location).catch(() => undefined);
    if (Number(head?.ContentLength) > MAX_UNZIPPED_BYTES) throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
    try {
      const out = await cloud.s3.call("GetObject", location);
      return await bodyToBuffer(out?.Body);
    } catch (err: any) {
      const s3Code = err?.code ?? err?.name ?? "InternalError";
      throw invalidParameter(`Error occurred while GetObject. S3 Error Code: ${s3Code}. S3 Error Message: ${err?.message ?? String(err)}`);
    }
  }
  throw invalidParameter("Please provide a source for function code.");
}

/**
 * On AWS nothing above /var/task has a package.json, so a `.js` file is CommonJS unless
 * the function's own package.json says otherwise. Code unpacked here sits inside some
 * project whose package.json may say `"type": "module"`; a package.json at `root`
 * stops Node's lookup there, as /var/task's parents would.
 */
export function fenceModuleScope(root: string): void {
  const fence = join(root, "package.json");
  if (!existsSync(fence)) {
    mkdirSync(root, { recursive: true });
    writeFileSync(fence, '{ "type": "commonjs" }\n');
  }
}

const UNZIP_FAILED = "Could not unzip uploaded file. Please check your file, then try to upload again.";

/**
 * Unpacks a zip under `root/<sha hex>` unless that exists already. The entries' declared
 * sizes are held to Lambda's 250 MB before anything is inflated, and each entry inflates
 * no further than its declared size (zip-entries.ts): a small zip claiming to hold
 * gigabytes, or one lying about it, is refused without being inflated.
 */
export function installZip(zip: Buffer, root: string): InstalledCode {
  const hash = createHash("sha256").update(zip);
  const hex = hash.copy().digest("hex");
  const sha256 = hash.digest("base64");
  const codeDir = join(root, hex);
  if (!existsSync(codeDir)) {
    let entries: ZipEntry[];
    try {
      entries = zipEntries(zip);
    } catch {
      throw invalidParameter(UNZIP_FAILED);
    }
    let total = 0;
    for (const entry of entries) total += entry.size;
    if (total > MAX_UNZIPPED_BYTES) throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
    // Unpack into a temp dir and rename, so a crash never leaves a half-written code dir.
    const staging = `${codeDir}.tmp-${process.pid}-${Date.now()}`;
    try {
      unpackEntries(zip, entries, staging);
      renameSync(staging, codeDir);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(codeDir)) throw err;
    }
  }
  return { codeDir, sha256, size: zip.length };
}

/**
 * Writes a zip's entries under `dir` (created). Entries that would land outside `dir`
 * ("zip slip") are skipped; a damaged entry fails as Lambda's unzip error.
 */
export function unpackEntries(zip: Buffer, entries: ZipEntry[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of entries) {
    const target = resolve(dir, entry.name);
    if (target !== dir && !target.startsWith(dir + sep)) continue;
    if (entry.name.endsWith("/")) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    let data: Buffer;
    try {
      data = entryContent(zip, entry);
    } catch (err) {
      if (err instanceof ZipFormatError) throw invalidParameter(UNZIP_FAILED);
      throw err;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
}
