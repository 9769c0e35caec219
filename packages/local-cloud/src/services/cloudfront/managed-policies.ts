/**
 * The policies AWS manages (ids are the same in every account; CDK's
 * `CachePolicy.CACHING_OPTIMIZED`, `OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER`,
 * `ResponseHeadersPolicy.SECURITY_HEADERS` … name them by id). They are listed with
 * Type "managed" and cannot be changed or deleted.
 */
const list = (items: string[]) => ({ Quantity: items.length, Items: items });

function cachePolicy(name: string, comment: string, ttl: [number, number, number], key: {
  headers?: string[]; cookies?: "none" | "all"; queryStrings?: "none" | "all" | string[]; encodings?: boolean;
} = {}) {
  const qs = key.queryStrings ?? "none";
  return {
    Name: name,
    Comment: comment,
    MinTTL: ttl[0],
    DefaultTTL: ttl[1],
    MaxTTL: ttl[2],
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: key.encodings ?? false,
      EnableAcceptEncodingBrotli: key.encodings ?? false,
      HeadersConfig: key.headers ? { HeaderBehavior: "whitelist", Headers: list(key.headers) } : { HeaderBehavior: "none" },
      CookiesConfig: { CookieBehavior: key.cookies ?? "none" },
      QueryStringsConfig: Array.isArray(qs) ? { QueryStringBehavior: "whitelist", QueryStrings: list(qs) } : { QueryStringBehavior: qs },
    },
  };
}

export const MANAGED_CACHE_POLICIES: Record<string, any> = {
  "658327ea-f89d-4fab-a63d-7e88639e58f6": cachePolicy("Managed-CachingOptimized", "Default policy when CF compression is enabled", [1, 86400, 31536000], { encodings: true }),
  "b2884449-e4de-46a7-ac36-70bc7f1ddd6d": cachePolicy("Managed-CachingOptimizedForUncompressedObjects", "Default policy when compression is disabled", [1, 86400, 31536000]),
  "4135ea2d-6df8-44a3-9df3-4b5a84be39ad": cachePolicy("Managed-CachingDisabled", "Policy with caching disabled", [0, 0, 0]),
  "08627262-05a9-4f76-9ded-b50ca2e3a84f": cachePolicy("Managed-Elemental-MediaPackage", "Policy for Elemental MediaPackage Origin", [0, 86400, 31536000], { headers: ["origin"], queryStrings: ["aws.manifestfilter", "start", "end", "m"], encodings: true }),
  "2e54312d-136d-493c-8eb9-b001f22f67d2": cachePolicy("Managed-Amplify", "Policy for Amplify Origin", [2, 2, 600], { headers: ["Authorization", "CloudFront-Viewer-Country", "Host"], cookies: "all", queryStrings: "all", encodings: true }),
  "83da9c7e-98b4-4e11-a168-04f0df8e2c65": cachePolicy("UseOriginCacheControlHeaders", "Policy for origins that return Cache-Control headers. Query strings are not included in the cache key.", [0, 0, 31536000], { headers: ["host", "origin", "x-http-method-override", "x-http-method", "x-method-override"], cookies: "all", encodings: true }),
  "4cc15a8a-d715-48a4-82b8-cc0b614638fe": cachePolicy("UseOriginCacheControlHeaders-QueryStrings", "Policy for origins that return Cache-Control headers and serve different content based on values present in the query string.", [0, 0, 31536000], { headers: ["host", "origin", "x-http-method-override", "x-http-method", "x-method-override"], cookies: "all", queryStrings: "all", encodings: true }),
};

function originRequestPolicy(name: string, comment: string, headers: { behavior: string; names?: string[] }, cookies: string, queryStrings: string) {
  return {
    Name: name,
    Comment: comment,
    HeadersConfig: { HeaderBehavior: headers.behavior, ...(headers.names ? { Headers: list(headers.names) } : {}) },
    CookiesConfig: { CookieBehavior: cookies },
    QueryStringsConfig: { QueryStringBehavior: queryStrings },
  };
}

export const MANAGED_ORIGIN_REQUEST_POLICIES: Record<string, any> = {
  "216adef6-5c7f-47e4-b989-5492eafa07d3": originRequestPolicy("Managed-AllViewer", "Policy to forward all parameters in viewer requests", { behavior: "allViewer" }, "all", "all"),
  "b689b0a8-53d0-40ab-baf2-68738e2966ac": originRequestPolicy("Managed-AllViewerExceptHostHeader", "Policy to forward all parameters in viewer requests except for the Host header", { behavior: "allExcept", names: ["host"] }, "all", "all"),
  "33f36d7e-f396-46d9-90e0-52428a34d9dc": originRequestPolicy("Managed-AllViewerAndCloudFrontHeaders-2022-06", "Policy to forward all parameters in viewer requests and all CloudFront headers that are available at the time of the policy creation", { behavior: "allViewerAndWhitelistCloudFront", names: ["CloudFront-Viewer-Country", "CloudFront-Is-Mobile-Viewer"] }, "all", "all"),
  "59781a5b-3903-41f3-afcb-af62929ccde1": originRequestPolicy("Managed-CORS-CustomOrigin", "Policy for CustomOrigin with CORS", { behavior: "whitelist", names: ["origin"] }, "none", "none"),
  "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf": originRequestPolicy("Managed-CORS-S3Origin", "Policy for S3 origin with CORS", { behavior: "whitelist", names: ["origin", "access-control-request-headers", "access-control-request-method"] }, "none", "none"),
  "acba4595-bd28-49b8-b9fe-13317c0390fa": originRequestPolicy("Managed-UserAgentRefererHeaders", "Policy for forwarding user-agent and referer headers", { behavior: "whitelist", names: ["user-agent", "referer"] }, "none", "none"),
};

const ALL_METHODS = ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"];

function cors(preflight: boolean) {
  return {
    AccessControlAllowOrigins: list(["*"]),
    AccessControlAllowHeaders: list(["*"]),
    AccessControlAllowMethods: list(preflight ? ALL_METHODS : ["GET", "HEAD"]),
    AccessControlExposeHeaders: list(["*"]),
    AccessControlAllowCredentials: false,
    OriginOverride: false,
  };
}

const SECURITY = {
  ContentTypeOptions: { Override: false },
  FrameOptions: { FrameOption: "SAMEORIGIN", Override: false },
  ReferrerPolicy: { ReferrerPolicy: "strict-origin-when-cross-origin", Override: false },
  StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: false, Preload: false, Override: false },
  XSSProtection: { Protection: true, ModeBlock: true, Override: false },
};

export const MANAGED_RESPONSE_HEADERS_POLICIES: Record<string, any> = {
  "60669652-455b-4ae9-85a4-c4c02393f86c": { Name: "Managed-SimpleCORS", Comment: "Allow all origins for simple CORS requests", CorsConfig: cors(false) },
  "5cc3b908-e619-4b99-88e5-2cf7f45965bd": { Name: "Managed-CORS-With-Preflight", Comment: "Allow all origins, methods and headers, including preflight requests", CorsConfig: cors(true) },
  "67f7725c-6f97-4210-82d7-5512b31e9d03": { Name: "Managed-SecurityHeadersPolicy", Comment: "Adds a set of security headers to every response", SecurityHeadersConfig: SECURITY },
  "e61eb60c-9c35-4d20-a928-2b84e02af89c": { Name: "Managed-CORS-and-SecurityHeadersPolicy", Comment: "Allows all origins for simple CORS requests, and adds security headers", CorsConfig: cors(false), SecurityHeadersConfig: SECURITY },
  "eaab4381-ed33-4a86-88ca-d9558dc6cd63": { Name: "Managed-CORS-with-preflight-and-SecurityHeadersPolicy", Comment: "Allows all origins for CORS requests, including preflight requests, and adds security headers", CorsConfig: cors(true), SecurityHeadersConfig: SECURITY },
};
