/** Bucket naming rules and key limits, as S3 enforces them on create and write. */
import { AwsError } from "../../server/aws-error.js";

const SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_LIKE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

export function bucketNameProblem(name: string): string | undefined {
  if (!SHAPE.test(name)) return "must be 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
  if (name.includes("..")) return "must not contain two adjacent periods";
  if (IP_LIKE.test(name)) return "must not be formatted as an IP address";
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return "uses a reserved prefix";
  if (RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return "uses a reserved suffix";
  return undefined;
}

export function assertValidBucketName(name: unknown): asserts name is string {
  if (typeof name !== "string" || bucketNameProblem(name) !== undefined) {
    throw new AwsError("InvalidBucketName", "The specified bucket is not valid.", 400, { BucketName: String(name ?? "") });
  }
}

/** S3 keys are at most 1024 bytes of UTF-8. */
export function assertValidKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || key.length === 0) {
    throw new AwsError("InvalidArgument", "The key must not be empty.", 400);
  }
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes > 1024) {
    throw new AwsError("KeyTooLongError", "Your key is too long", 400, { MaxSizeAllowed: 1024, Size: bytes });
  }
}

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
