// The stack's custom resource handler (SST v2's `stack.customResourceHandler`): one
// Lambda function per stack that serves the custom resources sites use.
//
//   Custom::S3Uploader            unpack the site's asset zips into its bucket, with
//                                 content types, cache-control by file pattern, deploy-
//                                 time values replaced, and (StaticSite) old files purged
//   Custom::CloudFrontInvalidator create an invalidation (and wait for it if asked)
//   Custom::FunctionInvoker       invoke a function (a site's warmer, at deploy)
//   Custom::AssetReplacer         put deploy-time values into a function's zipped code
//
// Plain JavaScript with no dependencies besides the AWS SDK v3, which the Lambda
// Node.js runtime provides (and the local cloud's runtime too), so the asset is this
// one file on AWS and locally alike.
import { S3Client, GetObjectCommand, PutObjectCommand, ListObjectsV2Command, DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { CloudFrontClient, CreateInvalidationCommand, GetInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";
import { inflateRawSync, deflateRawSync, crc32 } from "node:zlib";
import { randomUUID } from "node:crypto";

const s3 = new S3Client({});

export async function handler(event) {
  const response = {
    Status: "SUCCESS",
    PhysicalResourceId: event.PhysicalResourceId ?? `${event.LogicalResourceId}-${randomUUID().slice(0, 8)}`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: {},
  };
  try {
    const run = RESOURCES[event.ResourceType];
    if (!run) throw new Error(`Unknown custom resource type ${event.ResourceType}`);
    if (event.RequestType !== "Delete") await run(event.ResourceProperties, event);
  } catch (err) {
    console.error(err);
    response.Status = "FAILED";
    response.Reason = `${event.ResourceType} ${event.LogicalResourceId}: ${err?.message ?? err}`;
  }
  const body = JSON.stringify(response);
  await fetch(event.ResponseURL, { method: "PUT", body, headers: { "content-type": "", "content-length": String(Buffer.byteLength(body)) } });
}

const RESOURCES = {
  "Custom::S3Uploader": uploadSite,
  "Custom::CloudFrontInvalidator": invalidate,
  "Custom::FunctionInvoker": invokeFunction,
  "Custom::AssetReplacer": replaceInCode,
};

// Custom::S3Uploader ---------------------------------------------------------------

async function uploadSite(props) {
  const uploaded = new Set();
  for (const source of props.sources ?? []) {
    const zip = await readObject(source.bucketName, source.objectKey);
    const files = readZip(zip);
    for (const rule of props.replaceValues ?? []) replaceIn(files, rule);
    const uploads = [];
    for (const [name, data] of files) {
      const options = fileOptionsFor(name, props.fileOptions ?? []);
      uploads.push(() =>
        s3.send(
          new PutObjectCommand({
            Bucket: props.destinationBucketName,
            Key: name,
            Body: data,
            CacheControl: options?.cacheControl,
            ContentType: options?.contentType ?? contentTypeOf(name, props.textEncoding ?? "utf-8"),
          }),
        ),
      );
      uploaded.add(name);
    }
    await inParallel(uploads, Number(props.concurrency) || 10);
  }
  if (props.filenames) await purge(props, uploaded);
}

/** Delete what the previous deploy left and this one no longer has (StaticSite's purgeFiles). */
async function purge(props, uploaded) {
  const listed = (await readObject(props.filenames.bucketName, props.filenames.objectKey)).toString("utf8");
  const keep = new Set(listed.split("\n").filter(Boolean));
  for (const name of uploaded) keep.add(name);
  let token;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: props.destinationBucketName, ContinuationToken: token }));
    const stale = (page.Contents ?? []).map((o) => o.Key).filter((k) => k && !keep.has(k));
    for (let i = 0; i < stale.length; i += 1000) {
      await s3.send(new DeleteObjectsCommand({ Bucket: props.destinationBucketName, Delete: { Objects: stale.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

function replaceIn(files, rule) {
  const matches = globMatcher(rule.files);
  for (const [name, data] of files) {
    if (!matches(name)) continue;
    const text = data.toString("utf8");
    if (text.includes(rule.search)) files.set(name, Buffer.from(text.split(rule.search).join(rule.replace)));
  }
}

/** The last file option whose pattern matches (and whose ignore does not) wins, as in SST v2. */
function fileOptionsFor(name, fileOptions) {
  for (let i = fileOptions.length - 1; i >= 0; i--) {
    const o = fileOptions[i];
    if (globMatcher(o.files)(name) && !(o.ignore && globMatcher(o.ignore)(name))) return o;
  }
  return undefined;
}

const matchers = new Map();

/** A glob (or list of globs) as a test: `**` crosses folders, `*` and `?` do not, `{a,b}` alternates; dotfiles match. */
function globMatcher(patterns) {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  const key = JSON.stringify(list);
  let m = matchers.get(key);
  if (!m) {
    const res = list.map((p) => new RegExp(`^${globSource(String(p).replace(/^\.?\//, ""))}$`));
    m = (name) => res.some((re) => re.test(name));
    matchers.set(key, m);
  }
  return m;
}

function globSource(glob) {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        out += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else out += "[^/]*";
    } else if (c === "@" && glob[i + 1] === "(") {
      const end = glob.indexOf(")", i);
      out += `(?:${glob.slice(i + 2, end).split("|").map(globSource).join("|")})`;
      i = end;
    } else if (c === "?") out += "[^/]";
    else if (c === "{") {
      const end = glob.indexOf("}", i);
      if (end < 0) out += "\\{";
      else {
        out += `(?:${glob.slice(i + 1, end).split(",").map(globSource).join("|")})`;
        i = end;
      }
    } else out += /[.+^$()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  return out;
}

const TYPES = {
  ".txt": ["text/plain", true], ".htm": ["text/html", true], ".html": ["text/html", true], ".xhtml": ["application/xhtml+xml", true],
  ".css": ["text/css", true], ".js": ["text/javascript", true], ".mjs": ["text/javascript", true], ".map": ["application/json", true],
  ".json": ["application/json", true], ".jsonld": ["application/ld+json", true], ".xml": ["application/xml", true], ".svg": ["image/svg+xml", true],
  ".webmanifest": ["application/manifest+json", true], ".apng": ["image/apng", false], ".avif": ["image/avif", false], ".gif": ["image/gif", false],
  ".jpeg": ["image/jpeg", false], ".jpg": ["image/jpeg", false], ".png": ["image/png", false], ".bmp": ["image/bmp", false],
  ".tiff": ["image/tiff", false], ".webp": ["image/webp", false], ".ico": ["image/vnd.microsoft.icon", false], ".eot": ["application/vnd.ms-fontobject", false],
  ".ttf": ["font/ttf", false], ".otf": ["font/otf", false], ".woff": ["font/woff", false], ".woff2": ["font/woff2", false],
  ".pdf": ["application/pdf", false], ".zip": ["application/zip", false], ".wasm": ["application/wasm", false],
};

function contentTypeOf(name, textEncoding) {
  const ext = name.endsWith(".well-known/site-association-json") ? ".json" : (/\.[^./]+$/.exec(name)?.[0] ?? "").toLowerCase();
  const [mime, text] = TYPES[ext] ?? ["application/octet-stream", false];
  return text && textEncoding !== "none" ? `${mime};charset=${textEncoding}` : mime;
}

async function inParallel(tasks, limit) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

async function readObject(Bucket, Key) {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await out.Body.transformToByteArray());
}

/** The files of a zip archive (stored or deflated entries), by name; folders are skipped. */
function readZip(zip) {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("The site archive is not a zip file");
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error("The site archive's central directory is damaged");
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue;
    if (name.split("/").includes("..") || name.startsWith("/")) throw new Error(`Refusing the archive entry ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    if (method === 0) files.set(name, Buffer.from(raw));
    else if (method === 8) files.set(name, inflateRawSync(raw));
    else throw new Error(`Unsupported zip compression method ${method} for ${name}`);
  }
  return files;
}

/** A zip archive of these files (deflated), written the way readZip reads it. */
function writeZip(files) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, "utf8");
    const deflated = deflateRawSync(data);
    const useDeflate = deflated.length < data.length;
    const body = useDeflate ? deflated : data;
    const crc = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6); // names are UTF-8
    header.writeUInt16LE(useDeflate ? 8 : 0, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(0x21, 12); // 1980-01-01
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(body.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    locals.push(header, nameBytes, body);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(useDeflate ? 8 : 0, 10);
    entry.writeUInt16LE(0, 12);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.size, 8);
  end.writeUInt16LE(files.size, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

// Custom::AssetReplacer ----------------------------------------------------------------

async function replaceInCode(props) {
  const replacements = (props.replacements ?? []).filter((r) => r.search !== r.replace);
  if (replacements.length === 0) return;
  const files = readZip(await readObject(props.bucket, props.key));
  let changed = false;
  for (const rule of replacements) {
    const matches = globMatcher(rule.files);
    for (const [name, data] of files) {
      if (!matches(name)) continue;
      const text = data.toString("utf8");
      if (!text.includes(rule.search)) continue;
      files.set(name, Buffer.from(text.split(rule.search).join(rule.replace)));
      changed = true;
    }
  }
  if (changed) await s3.send(new PutObjectCommand({ Bucket: props.bucket, Key: props.key, Body: writeZip(files) }));
}

// Custom::CloudFrontInvalidator ------------------------------------------------------

async function invalidate(props, event) {
  const cloudfront = new CloudFrontClient({});
  const paths = props.paths ?? ["/*"];
  const out = await cloudfront.send(
    new CreateInvalidationCommand({
      DistributionId: props.distributionId,
      InvalidationBatch: { CallerReference: `${props.version}-${event.RequestId}`, Paths: { Quantity: paths.length, Items: paths } },
    }),
  );
  if (props.wait === true || props.wait === "true") {
    let status = out.Invalidation?.Status;
    while (status !== "Completed") {
      await new Promise((r) => setTimeout(r, 5000));
      status = (await cloudfront.send(new GetInvalidationCommand({ DistributionId: props.distributionId, Id: out.Invalidation.Id }))).Invalidation?.Status;
    }
  }
}

// Custom::FunctionInvoker -------------------------------------------------------------

async function invokeFunction(props) {
  const lambda = new LambdaClient({});
  await lambda.send(new InvokeCommand({ FunctionName: props.functionName, InvocationType: "Event", Payload: Buffer.from(JSON.stringify({ type: "warmer", source: "deploy" })) }));
}

/** For tests: the archive, glob and content-type helpers. */
export const internals = { readZip, writeZip, globMatcher, contentTypeOf, fileOptionsFor };
