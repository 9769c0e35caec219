/**
 * Browser form uploads (POST Object): a multipart/form-data body whose fields carry a
 * base64 policy document and its SigV4 signature. S3 checks the signature with the
 * signer's secret, the policy's expiration and every condition against the fields,
 * then stores the file part as PutObject would, as the signer.
 */
import { createHmac } from "node:crypto";
import { AwsError } from "../../../server/aws-error.js";
import type { AwsResponse, CallContext } from "../../../types.js";
import type { S3Context } from "../context.js";
import { runOperation } from "../operations.js";
import { formBoundary, parseFormData } from "./form-data.js";
import type { WireRequest } from "./request.js";
import { escapeXml } from "../../../server/xml.js";

const policyFailure = (detail: string) => new AwsError("AccessDenied", `Invalid according to Policy: ${detail}`, 403);

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** The SigV4 signature of a POST policy: the policy's base64 text signed with the scope's key. */
export function postPolicySignature(secret: string, date: string, region: string, policyBase64: string): string {
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), "s3"), "aws4_request");
  return createHmac("sha256", key).update(policyBase64, "utf8").digest("hex");
}

function checkConditions(conditions: unknown[], fields: Map<string, string>, bucket: string, size: number): void {
  for (const cond of conditions) {
    if (Array.isArray(cond)) {
      const [op, rawName, value] = cond as [string, string, unknown];
      const opName = String(op).toLowerCase();
      if (opName === "content-length-range") {
        const min = Number(rawName);
        const max = Number(value);
        if (size > max) throw new AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400, { ProposedSize: size, MaxSizeAllowed: max });
        if (size < min) throw new AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400, { ProposedSize: size, MinSizeAllowed: min });
        continue;
      }
      const name = String(rawName).replace(/^\$/, "").toLowerCase();
      const actual = name === "bucket" ? bucket : fields.get(name) ?? "";
      const ok = opName === "eq" ? actual === String(value) : opName === "starts-with" ? actual.startsWith(String(value)) : false;
      if (!ok) throw policyFailure(`Policy Condition failed: ["${op}", "${rawName}", "${value}"]`);
    } else if (cond && typeof cond === "object") {
      for (const [rawName, value] of Object.entries(cond as Record<string, unknown>)) {
        const name = rawName.replace(/^\$/, "").toLowerCase();
        const actual = name === "bucket" ? bucket : fields.get(name) ?? "";
        if (actual !== String(value)) throw policyFailure(`Policy Condition failed: ["eq", "$${rawName}", "${value}"]`);
      }
    }
  }
}

export async function handlePostObject(c: S3Context, w: WireRequest): Promise<AwsResponse> {
  const bucket = w.bucket!;
  const boundary = formBoundary(w.headers["content-type"]);
  if (!boundary) {
    throw new AwsError("PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data", 412, { Condition: "Bucket POST must be of the enclosure-type multipart/form-data" });
  }
  const parts = parseFormData(w.body, boundary);
  const fileIndex = parts.findIndex((p) => p.name.toLowerCase() === "file");
  if (fileIndex < 0) throw new AwsError("InvalidArgument", "POST requires exactly one file upload per request.", 400, { ArgumentName: "file", ArgumentValue: "0" });
  const file = parts[fileIndex]!;
  // Fields after the file are ignored by S3.
  const fields = new Map<string, string>();
  for (const p of parts.slice(0, fileIndex)) fields.set(p.name.toLowerCase(), p.data.toString("utf8"));
  let key = fields.get("key");
  if (key === undefined) throw new AwsError("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", 400, { ArgumentName: "key", ArgumentValue: "" });
  key = key.replace(/\$\{filename\}/g, file.filename ?? "");
  fields.set("key", key);

  // Without a policy the upload is anonymous and the bucket policy decides.
  let principal = w.raw.principal;
  const policy = fields.get("policy");
  if (policy !== undefined) {
    const credential = fields.get("x-amz-credential") ?? "";
    const signature = fields.get("x-amz-signature") ?? "";
    const [accessKeyId, date, region] = credential.split("/");
    const found = accessKeyId ? c.cloud.lookupAccessKey?.(accessKeyId, w.raw.headers) : undefined;
    if (!found) throw new AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403, { AWSAccessKeyId: accessKeyId ?? "" });
    if (postPolicySignature(found.secretAccessKey, date ?? "", region ?? "", policy) !== signature) {
      throw new AwsError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", 403);
    }
    if (found.sessionToken !== undefined && fields.get("x-amz-security-token") !== found.sessionToken) {
      throw new AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);
    }
    let doc: any;
    try {
      doc = JSON.parse(Buffer.from(policy, "base64").toString("utf8"));
    } catch {
      throw new AwsError("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", 400);
    }
    const expires = Date.parse(doc?.expiration ?? "");
    if (Number.isNaN(expires)) throw new AwsError("InvalidPolicyDocument", "Invalid Policy: Policy missing expiration.", 400);
    if (expires < Date.now()) throw policyFailure("Policy expired.");
    checkConditions(Array.isArray(doc.conditions) ? doc.conditions : [], fields, bucket, file.data.length);
    principal = found.principal;
  }

  const metadata: Record<string, string> = {};
  for (const [name, value] of fields) if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
  const input: Record<string, unknown> = {
    Bucket: bucket,
    Key: key,
    Body: file.data,
    ContentType: fields.get("content-type") ?? file.contentType,
    Metadata: metadata,
    CacheControl: fields.get("cache-control"),
    ContentDisposition: fields.get("content-disposition"),
    ContentEncoding: fields.get("content-encoding"),
    Expires: fields.get("expires"),
    Tagging: fields.get("tagging"),
  };
  const ctx: CallContext = { region: w.raw.region, principal, requestId: w.raw.requestId };
  const out = await runOperation(c, ctx, "PutObject", input, { sourceIp: "127.0.0.1" });
  const location = `/${bucket}/${encodeURIComponent(key).replace(/%2F/g, "/")}`;
  const redirect = fields.get("success_action_redirect") ?? fields.get("redirect");
  if (redirect) {
    const target = new URL(redirect);
    target.searchParams.set("bucket", bucket);
    target.searchParams.set("key", key);
    target.searchParams.set("etag", out.ETag);
    return { status: 303, headers: { location: target.toString(), etag: out.ETag, "content-length": "0" } };
  }
  const status = fields.get("success_action_status");
  if (status === "201") {
    // S3 answers this document without a namespace.
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${escapeXml(location)}</Location>` +
      `<Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><ETag>${escapeXml(out.ETag)}</ETag></PostResponse>`;
    return { status: 201, headers: { "content-type": "application/xml", etag: out.ETag, location }, body };
  }
  return { status: status === "200" ? 200 : 204, headers: { etag: out.ETag, location, "content-length": "0" } };
}
