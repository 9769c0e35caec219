/**
 * CloudFront's REST-XML wire (API version 2020-05-31): which operation a method and
 * path name, how the request's path, query, headers and XML body become the SDK-shaped
 * input, and how an output becomes the answer (payload element, ETag/Location headers,
 * 201/204 statuses). Errors are CloudFront's <ErrorResponse>.
 */
import { AwsError } from "../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../types.js";
import { fromCloudFrontXml, toCloudFrontXml, XMLNS } from "./xml-shapes.js";
import { escapeXml } from "../../server/xml.js";

interface Route {
  method: string;
  pattern: RegExp;
  operation: string | ((req: AwsRequest) => string);
  /** Names of the path captures. */
  params?: string[];
}

const id = "([^/]+)";
const POLICY_KINDS: [string, string, string][] = [
  ["cache-policy", "CachePolicy", "ListCachePolicies"],
  ["origin-request-policy", "OriginRequestPolicy", "ListOriginRequestPolicies"],
  ["response-headers-policy", "ResponseHeadersPolicy", "ListResponseHeadersPolicies"],
  ["origin-access-control", "OriginAccessControl", "ListOriginAccessControls"],
  ["origin-access-identity/cloudfront", "CloudFrontOriginAccessIdentity", "ListCloudFrontOriginAccessIdentities"],
];

const ROUTES: Route[] = [
  { method: "POST", pattern: /^\/distribution$/, operation: (req) => (req.query.has("WithTags") ? "CreateDistributionWithTags" : "CreateDistribution") },
  { method: "GET", pattern: /^\/distribution$/, operation: "ListDistributions" },
  { method: "GET", pattern: new RegExp(`^/distribution/${id}$`), operation: "GetDistribution", params: ["Id"] },
  { method: "GET", pattern: new RegExp(`^/distribution/${id}/config$`), operation: "GetDistributionConfig", params: ["Id"] },
  { method: "PUT", pattern: new RegExp(`^/distribution/${id}/config$`), operation: "UpdateDistribution", params: ["Id"] },
  { method: "DELETE", pattern: new RegExp(`^/distribution/${id}$`), operation: "DeleteDistribution", params: ["Id"] },
  { method: "POST", pattern: new RegExp(`^/distribution/${id}/invalidation$`), operation: "CreateInvalidation", params: ["DistributionId"] },
  { method: "GET", pattern: new RegExp(`^/distribution/${id}/invalidation$`), operation: "ListInvalidations", params: ["DistributionId"] },
  { method: "GET", pattern: new RegExp(`^/distribution/${id}/invalidation/${id}$`), operation: "GetInvalidation", params: ["DistributionId", "Id"] },
  ...POLICY_KINDS.flatMap(([path, noun, list]): Route[] => [
    { method: "POST", pattern: new RegExp(`^/${path}$`), operation: `Create${noun}` },
    { method: "GET", pattern: new RegExp(`^/${path}$`), operation: list },
    { method: "GET", pattern: new RegExp(`^/${path}/${id}$`), operation: `Get${noun}`, params: ["Id"] },
    { method: "GET", pattern: new RegExp(`^/${path}/${id}/config$`), operation: `Get${noun}Config`, params: ["Id"] },
    { method: "PUT", pattern: new RegExp(`^/${path}/${id}(?:/config)?$`), operation: `Update${noun}`, params: ["Id"] },
    { method: "DELETE", pattern: new RegExp(`^/${path}/${id}$`), operation: `Delete${noun}`, params: ["Id"] },
  ]),
  { method: "POST", pattern: /^\/function$/, operation: "CreateFunction" },
  { method: "GET", pattern: /^\/function$/, operation: "ListFunctions" },
  { method: "GET", pattern: new RegExp(`^/function/${id}/describe$`), operation: "DescribeFunction", params: ["Name"] },
  { method: "GET", pattern: new RegExp(`^/function/${id}$`), operation: "GetFunction", params: ["Name"] },
  { method: "PUT", pattern: new RegExp(`^/function/${id}$`), operation: "UpdateFunction", params: ["Name"] },
  { method: "POST", pattern: new RegExp(`^/function/${id}/publish$`), operation: "PublishFunction", params: ["Name"] },
  { method: "POST", pattern: new RegExp(`^/function/${id}/test$`), operation: "TestFunction", params: ["Name"] },
  { method: "DELETE", pattern: new RegExp(`^/function/${id}$`), operation: "DeleteFunction", params: ["Name"] },
  { method: "GET", pattern: /^\/tagging$/, operation: "ListTagsForResource" },
  { method: "POST", pattern: /^\/tagging$/, operation: (req) => (req.query.get("Operation") === "Untag" ? "UntagResource" : "TagResource") },
];

/** Request bodies whose root element is the members of the input (not one member of it). */
const SPREAD_ROOTS = new Set(["CreateFunctionRequest", "UpdateFunctionRequest", "TestFunctionRequest"]);
const QUERY_MEMBERS = ["Stage", "Marker", "MaxItems", "Type", "Resource"];

export interface ParsedRequest {
  operation: string;
  input: Record<string, any>;
}

export function parseRequest(req: AwsRequest): ParsedRequest {
  const m = /^\/2020-05-31(\/.*)$/.exec(req.path);
  if (!m) throw new AwsError("InvalidArgument", `Unsupported API version or path: ${req.path}`, 400);
  const path = m[1]!;
  for (const route of ROUTES) {
    if (route.method !== req.method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const operation = typeof route.operation === "string" ? route.operation : route.operation(req);
    const input: Record<string, any> = {};
    route.params?.forEach((name, i) => (input[name] = decodeURIComponent(match[i + 1]!)));
    for (const q of QUERY_MEMBERS) if (req.query.has(q)) input[q] = req.query.get(q);
    if (req.headers["if-match"]) input.IfMatch = req.headers["if-match"];
    if (req.body.length > 0) {
      let parsed: { root: string; value: any };
      try {
        parsed = fromCloudFrontXml(req.body.toString("utf8"));
      } catch (err) {
        throw new AwsError("MalformedInput", `The XML document is not well formed: ${(err as Error).message}`, 400);
      }
      if (SPREAD_ROOTS.has(parsed.root)) Object.assign(input, parsed.value);
      else if (parsed.root) input[parsed.root] = parsed.value;
    }
    return { operation, input };
  }
  throw new AwsError("InvalidArgument", `No CloudFront operation at ${req.method} ${path}`, 404);
}

const HEADER_MEMBERS: Record<string, string> = { ETag: "etag", Location: "location", ContentType: "content-type" };

export function serializeResponse(operation: string, output: Record<string, any>, requestId: string): AwsResponse {
  const headers: Record<string, string> = { "x-amz-request-id": requestId };
  let payloadName: string | undefined;
  for (const [k, v] of Object.entries(output ?? {})) {
    if (v === undefined) continue;
    if (HEADER_MEMBERS[k] && typeof v === "string") headers[HEADER_MEMBERS[k]!] = v;
    else payloadName = k;
  }
  const status = operation.startsWith("Delete") || operation === "TagResource" || operation === "UntagResource" ? 204 : operation.startsWith("Create") ? 201 : 200;
  if (!payloadName) return { status, headers };
  const payload = output[payloadName];
  if (Buffer.isBuffer(payload)) return { status, headers, body: payload };
  headers["content-type"] = "text/xml";
  return { status, headers, body: toCloudFrontXml(payloadName, payload) };
}

export function errorResponse(err: AwsError, requestId: string): AwsResponse {
  const body =
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>${err.fault}</Type><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: err.status, headers: { "content-type": "text/xml", "x-amz-request-id": requestId }, body };
}
