/**
 * CloudFront's REST-XML shapes, as far as the wire needs them: the element name of
 * each list's members (CloudFront wraps lists as `<Origins><Quantity/><Items><Origin/>…`),
 * and which scalar members are numbers or booleans (XML carries only text).
 *
 * The service keeps documents in the AWS SDK v3 shape (PascalCase, `{ Quantity, Items }`
 * lists, real numbers and booleans); these tables convert between that and XML.
 */
import { escapeXml, parseXml } from "../../server/xml.js";

export const XMLNS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

/** `Items` member element name, by the name of the element holding `Items`. */
const ITEM_MEMBER: Record<string, string> = {
  Origins: "Origin",
  Aliases: "CNAME",
  CacheBehaviors: "CacheBehavior",
  CustomErrorResponses: "CustomErrorResponse",
  FunctionAssociations: "FunctionAssociation",
  LambdaFunctionAssociations: "LambdaFunctionAssociation",
  AllowedMethods: "Method",
  CachedMethods: "Method",
  Headers: "Name",
  WhitelistedNames: "Name",
  QueryStringCacheKeys: "Name",
  QueryStrings: "Name",
  Cookies: "Name",
  CustomHeaders: "OriginCustomHeader",
  OriginSslProtocols: "SslProtocol",
  OriginGroups: "OriginGroup",
  Members: "OriginGroupMember",
  StatusCodes: "StatusCode",
  TrustedSigners: "AwsAccountNumber",
  TrustedKeyGroups: "KeyGroup",
  Paths: "Path",
  GeoRestriction: "Location",
  AccessControlAllowHeaders: "Header",
  AccessControlAllowMethods: "Method",
  AccessControlAllowOrigins: "Origin",
  AccessControlExposeHeaders: "Header",
  CustomHeadersConfig: "ResponseHeadersPolicyCustomHeader",
  RemoveHeadersConfig: "ResponseHeadersPolicyRemoveHeader",
  DistributionList: "DistributionSummary",
  CachePolicyList: "CachePolicySummary",
  OriginRequestPolicyList: "OriginRequestPolicySummary",
  ResponseHeadersPolicyList: "ResponseHeadersPolicySummary",
  FunctionList: "FunctionSummary",
  InvalidationList: "InvalidationSummary",
  CloudFrontOriginAccessIdentityList: "CloudFrontOriginAccessIdentitySummary",
  OriginAccessControlList: "OriginAccessControlSummary",
  ActiveTrustedSigners: "Signer",
  ActiveTrustedKeyGroups: "KGKeyPairIds",
  Tags: "Tag",
  TagKeys: "Key",
  KeyValueStoreAssociations: "KeyValueStoreAssociation",
};

/** Lists that are not `{ Quantity, Items }` wrappers: element name → member name. */
const BARE_LIST_MEMBER: Record<string, string> = {
  FunctionExecutionLogs: "member",
  AliasICPRecordals: "AliasICPRecordal",
};

const NUMBERS = new Set([
  "Quantity", "MaxItems", "HTTPPort", "HTTPSPort", "OriginReadTimeout", "OriginKeepaliveTimeout", "ConnectionAttempts",
  "ConnectionTimeout", "MinTTL", "MaxTTL", "DefaultTTL", "ErrorCode", "ErrorCachingMinTTL", "StatusCode",
  "AccessControlMaxAgeSec", "SamplingRate", "InProgressInvalidationBatches", "MaxAgeSec", "ComputeUtilization",
]);

const BOOLEANS = new Set([
  "Enabled", "Compress", "IsIPV6Enabled", "SmoothStreaming", "IncludeBody", "Staging", "EnableAcceptEncodingGzip",
  "EnableAcceptEncodingBrotli", "IsTruncated", "QueryString", "IncludeCookies", "CloudFrontDefaultCertificate",
  "AccessControlAllowCredentials", "OriginOverride", "Override", "IncludeSubdomains", "Preload", "ModeBlock",
  "Protection", "ResponseCodeOnly",
]);

/** Serialize an SDK-shaped document as the element `name` (the root gets CloudFront's namespace). */
export function toCloudFrontXml(name: string, value: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(name, value, XMLNS)}`;
}

function element(name: string, value: unknown, xmlns?: string): string {
  if (value === undefined || value === null) return "";
  const open = xmlns ? `<${name} xmlns="${xmlns}">` : `<${name}>`;
  if (value instanceof Date) return `${open}${value.toISOString()}</${name}>`;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `${open}${Buffer.from(value).toString("base64")}</${name}>`;
  if (Array.isArray(value)) {
    const member = BARE_LIST_MEMBER[name] ?? "member";
    return `${open}${value.map((v) => element(member, v)).join("")}</${name}>`;
  }
  if (typeof value === "object") {
    let inner = "";
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === "Items" && Array.isArray(v)) {
        const member = ITEM_MEMBER[name] ?? "member";
        inner += `<Items>${v.map((item) => element(member, item)).join("")}</Items>`;
      } else {
        inner += element(k, v);
      }
    }
    return `${open}${inner}</${name}>`;
  }
  return `${open}${escapeXml(String(value))}</${name}>`;
}

/**
 * Parse a request body into the SDK shape: `Items` become arrays, numbers and
 * booleans get their types back. Returns the root element's content and its name.
 */
export function fromCloudFrontXml(text: string): { root: string; value: any } {
  const doc = parseXml(text, true);
  const root = Object.keys(doc).find((k) => !k.startsWith("?"));
  if (!root) return { root: "", value: {} };
  return { root, value: normalize(root, doc[root]) };
}

function normalize(name: string, value: any): any {
  if (value === "" && (name === "Items" || BARE_LIST_MEMBER[name])) return [];
  if (typeof value === "string") {
    if (NUMBERS.has(name) && /^-?\d+$/.test(value.trim())) return Number(value);
    if (BOOLEANS.has(name) && /^(true|false)$/.test(value.trim())) return value.trim() === "true";
    return value;
  }
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "Items" || BARE_LIST_MEMBER[k]) {
      if (v === "" || v === null) {
        out[k] = [];
        continue;
      }
      const [memberName] = Object.keys(v as object);
      const members = memberName ? (v as any)[memberName] : [];
      out[k] = (Array.isArray(members) ? members : [members]).map((m: unknown) => normalize(memberName!, m));
    } else {
      out[k] = normalize(k, v);
    }
  }
  return out;
}
