/**
 * Where a template comes from: TemplateBody, or TemplateURL pointing into the local
 * S3 (path-style `http://host/bucket/key`, `https://s3.region.amazonaws.com/bucket/key`,
 * or virtual-hosted `https://bucket.s3.amazonaws.com/key`).
 */
import { AwsError } from "../../server/aws-error.js";
import type { CloudLike } from "../../cloudformation/provider.js";
import { violationMessage } from "../../wire/constraints.js";

const MAX_BODY = 51_200;
const MAX_URL_TEMPLATE = 1_000_000;

export function parseTemplateUrl(url: string): { bucket: string; key: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AwsError("ValidationError", "TemplateURL must be a supported URL.", 400);
  }
  const path = u.pathname.replace(/^\/+/, "");
  const virtual = /^(.+?)\.s3[.-]/.exec(u.hostname);
  if (virtual && !/^s3[.-]/.test(u.hostname)) return { bucket: virtual[1], key: decodeURIComponent(path) };
  const slash = path.indexOf("/");
  if (slash <= 0) throw new AwsError("ValidationError", "TemplateURL must reference a valid S3 object to which you have access.", 400);
  return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)) };
}

export async function readBody(body: unknown): Promise<string> {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  const b = body as any;
  if (typeof b.transformToString === "function") return b.transformToString();
  if (typeof b[Symbol.asyncIterator] === "function") {
    const chunks: Buffer[] = [];
    for await (const c of b) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks).toString("utf8");
  }
  return String(body);
}

export async function templateFrom(cloud: CloudLike, input: { TemplateBody?: string; TemplateURL?: string }): Promise<string> {
  if (input.TemplateBody !== undefined && input.TemplateURL !== undefined) {
    throw new AwsError("ValidationError", "Specify exactly one of TemplateBody or TemplateUrl.", 400);
  }
  if (input.TemplateBody !== undefined) {
    if (input.TemplateBody.length > MAX_BODY) {
      // The model states no maximum; CloudFormation quotes the start of the body.
      throw new AwsError("ValidationError", violationMessage(`${input.TemplateBody.slice(0, 40)}...`, "templateBody", `Member must have length less than or equal to ${MAX_BODY}`), 400);
    }
    return input.TemplateBody;
  }
  if (input.TemplateURL !== undefined) {
    const { bucket, key } = parseTemplateUrl(input.TemplateURL);
    let out: any;
    try {
      out = await cloud.s3.call("GetObject", { Bucket: bucket, Key: key });
    } catch {
      throw new AwsError("ValidationError", "TemplateURL must reference a valid S3 object to which you have access.", 400);
    }
    const text = await readBody(out?.Body);
    if (text.length > MAX_URL_TEMPLATE) throw new AwsError("ValidationError", "Template may not exceed 1000000 bytes in size.", 400);
    return text;
  }
  throw new AwsError("ValidationError", "Either Template URL or Template Body must be specified.", 400);
}
