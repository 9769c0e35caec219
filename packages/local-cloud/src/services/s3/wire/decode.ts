/** HTTP request → SDK-shaped operation input. */
import { checksumField, checksumHeader, CHECKSUM_ALGORITHMS } from "../checksums.js";
import type { WireRequest } from "./request.js";
import * as shapes from "./shapes.js";
import { fromXml, parseXmlBody, type ShapeMap } from "./xml-shape.js";

const HEADER_FIELDS: Array<[string, string]> = [
  ["content-type", "ContentType"],
  ["content-md5", "ContentMD5"],
  ["cache-control", "CacheControl"],
  ["content-disposition", "ContentDisposition"],
  ["content-encoding", "ContentEncoding"],
  ["content-language", "ContentLanguage"],
  ["expires", "Expires"],
  ["x-amz-website-redirect-location", "WebsiteRedirectLocation"],
  ["x-amz-storage-class", "StorageClass"],
  ["x-amz-tagging", "Tagging"],
  ["x-amz-acl", "ACL"],
  ["x-amz-server-side-encryption", "ServerSideEncryption"],
  ["if-match", "IfMatch"],
  ["if-none-match", "IfNoneMatch"],
  ["if-modified-since", "IfModifiedSince"],
  ["if-unmodified-since", "IfUnmodifiedSince"],
  ["range", "Range"],
  ["x-amz-checksum-mode", "ChecksumMode"],
  ["x-amz-sdk-checksum-algorithm", "ChecksumAlgorithm"],
  ["x-amz-checksum-algorithm", "ChecksumAlgorithm"],
  ["x-amz-metadata-directive", "MetadataDirective"],
  ["x-amz-tagging-directive", "TaggingDirective"],
  ["x-amz-copy-source", "CopySource"],
  ["x-amz-copy-source-if-match", "CopySourceIfMatch"],
  ["x-amz-copy-source-if-none-match", "CopySourceIfNoneMatch"],
  ["x-amz-copy-source-if-modified-since", "CopySourceIfModifiedSince"],
  ["x-amz-copy-source-if-unmodified-since", "CopySourceIfUnmodifiedSince"],
  ["x-amz-copy-source-range", "CopySourceRange"],
  ["x-amz-decoded-content-length", "DecodedContentLength"],
  ...CHECKSUM_ALGORITHMS.map((a): [string, string] => [checksumHeader(a), checksumField(a)]),
];

const QUERY_FIELDS: Array<[string, string]> = [
  ["prefix", "Prefix"],
  ["delimiter", "Delimiter"],
  ["max-keys", "MaxKeys"],
  ["continuation-token", "ContinuationToken"],
  ["start-after", "StartAfter"],
  ["encoding-type", "EncodingType"],
  ["fetch-owner", "FetchOwner"],
  ["marker", "Marker"],
  ["key-marker", "KeyMarker"],
  ["version-id-marker", "VersionIdMarker"],
  ["upload-id-marker", "UploadIdMarker"],
  ["max-uploads", "MaxUploads"],
  ["max-parts", "MaxParts"],
  ["part-number-marker", "PartNumberMarker"],
  ["max-buckets", "MaxBuckets"],
  ["bucket-region", "BucketRegion"],
  ["partNumber", "PartNumber"],
  ["uploadId", "UploadId"],
  ["response-content-type", "ResponseContentType"],
  ["response-content-language", "ResponseContentLanguage"],
  ["response-expires", "ResponseExpires"],
  ["response-cache-control", "ResponseCacheControl"],
  ["response-content-disposition", "ResponseContentDisposition"],
  ["response-content-encoding", "ResponseContentEncoding"],
];

/** The same tables as maps: a request's few headers and parameters are looked up, not the ~60 names. */
const HEADER_FIELD = new Map<string, string>();
for (const [header, field] of HEADER_FIELDS) if (!HEADER_FIELD.has(header)) HEADER_FIELD.set(header, field);
const QUERY_FIELD = new Map(QUERY_FIELDS);
const HEADER_ORDER = new Map(HEADER_FIELDS.map(([header], i) => [header, i]));

/** Operations whose body is an XML document: root element, shape map, input field. */
const XML_BODIES: Record<string, [string, ShapeMap, string]> = {
  PutBucketCors: ["CORSConfiguration", shapes.CORS, "CORSConfiguration"],
  PutBucketNotificationConfiguration: ["NotificationConfiguration", shapes.NOTIFICATION, "NotificationConfiguration"],
  PutBucketTagging: ["Tagging", shapes.TAGGING, "Tagging"],
  PutObjectTagging: ["Tagging", shapes.TAGGING, "Tagging"],
  PutBucketVersioning: ["VersioningConfiguration", shapes.VERSIONING, "VersioningConfiguration"],
  PutBucketEncryption: ["ServerSideEncryptionConfiguration", shapes.ENCRYPTION, "ServerSideEncryptionConfiguration"],
  PutPublicAccessBlock: ["PublicAccessBlockConfiguration", shapes.PUBLIC_ACCESS_BLOCK, "PublicAccessBlockConfiguration"],
  PutBucketLifecycleConfiguration: ["LifecycleConfiguration", shapes.LIFECYCLE, "LifecycleConfiguration"],
  PutBucketOwnershipControls: ["OwnershipControls", shapes.OWNERSHIP, "OwnershipControls"],
  DeleteObjects: ["Delete", shapes.DELETE_REQUEST, "Delete"],
  CompleteMultipartUpload: ["CompleteMultipartUpload", shapes.COMPLETE_REQUEST, "MultipartUpload"],
};

export function decodeInput(op: string, w: WireRequest): Record<string, any> {
  const input: Record<string, any> = {};
  if (w.bucket !== undefined) input.Bucket = w.bucket;
  if (w.key !== undefined) input.Key = w.key;
  let metadata: Record<string, string> | undefined;
  // In the tables' order of precedence: the first header naming a field wins.
  const found: [number, string, string][] = [];
  for (const name in w.headers) {
    const field = HEADER_FIELD.get(name);
    if (field !== undefined) found.push([HEADER_ORDER.get(name)!, field, w.headers[name]!]);
    else if (name.startsWith("x-amz-meta-")) (metadata ??= {})[name.slice("x-amz-meta-".length)] = w.headers[name]!;
  }
  if (found.length > 1) found.sort((a, b) => a[0] - b[0]);
  for (const [, field, v] of found) if (input[field] === undefined) input[field] = v;
  if (input.ContentEncoding !== undefined) {
    // aws-chunked is transfer framing, not part of the object's stored encoding.
    const kept = String(input.ContentEncoding)
      .split(",")
      .map((e) => e.trim())
      .filter((e) => e && e !== "aws-chunked");
    if (kept.length) input.ContentEncoding = kept.join(",");
    else delete input.ContentEncoding;
  }
  if (metadata) input.Metadata = metadata;
  let fromQuery: Set<string> | undefined;
  for (const [param, value] of w.query) {
    const field = QUERY_FIELD.get(param);
    // The first value of a repeated parameter, as URLSearchParams.get gives it.
    if (field === undefined || fromQuery?.has(field)) continue;
    (fromQuery ??= new Set()).add(field);
    input[field] = value;
  }
  const xml = XML_BODIES[op];
  if (xml) {
    input[xml[2]] = fromXml(parseXmlBody(w.body, xml[0]), xml[1]);
  } else if (op === "CreateBucket" && w.body.length > 0) {
    input.CreateBucketConfiguration = fromXml(parseXmlBody(w.body, "CreateBucketConfiguration"), shapes.PLAIN);
  } else if (op === "PutBucketPolicy") {
    input.Policy = w.body.toString("utf8");
  } else if (op === "PutObject" || op === "UploadPart") {
    input.Body = w.body;
  }
  return input;
}
