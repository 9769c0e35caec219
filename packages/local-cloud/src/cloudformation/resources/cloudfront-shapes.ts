/**
 * CloudFormation writes CloudFront lists as plain arrays (`Origins: [...]`,
 * `AllowedMethods: ["GET", "HEAD"]`); the API wraps every list as
 * `{ Quantity, Items }`, nests CachedMethods inside AllowedMethods and calls a few
 * members by other names. These convert a resource's properties to the API's shapes.
 */

const wrap = (list: unknown) => {
  const items = Array.isArray(list) ? list : [];
  return items.length ? { Quantity: items.length, Items: items } : { Quantity: 0 };
};

function cacheBehavior(b: any, isDefault: boolean): any {
  const out: any = { ...b };
  if (isDefault) delete out.PathPattern;
  out.AllowedMethods = { ...wrap(b.AllowedMethods ?? ["GET", "HEAD"]), CachedMethods: wrap(b.CachedMethods ?? ["GET", "HEAD"]) };
  delete out.CachedMethods;
  out.FunctionAssociations = wrap((b.FunctionAssociations ?? []).map((f: any) => ({ FunctionARN: f.FunctionARN, EventType: f.EventType })));
  out.LambdaFunctionAssociations = wrap(b.LambdaFunctionAssociations ?? []);
  if (b.TrustedSigners) out.TrustedSigners = { Enabled: b.TrustedSigners.length > 0, ...wrap(b.TrustedSigners) };
  if (b.TrustedKeyGroups) out.TrustedKeyGroups = { Enabled: b.TrustedKeyGroups.length > 0, ...wrap(b.TrustedKeyGroups) };
  if (b.ForwardedValues) {
    const fv = b.ForwardedValues;
    out.ForwardedValues = {
      QueryString: fv.QueryString === true || fv.QueryString === "true",
      Cookies: fv.Cookies ? { Forward: fv.Cookies.Forward, ...(fv.Cookies.WhitelistedNames ? { WhitelistedNames: wrap(fv.Cookies.WhitelistedNames) } : {}) } : { Forward: "none" },
      Headers: wrap(fv.Headers),
      QueryStringCacheKeys: wrap(fv.QueryStringCacheKeys),
    };
  }
  for (const n of ["MinTTL", "MaxTTL", "DefaultTTL"]) if (out[n] !== undefined) out[n] = Number(out[n]);
  if (out.Compress !== undefined) out.Compress = out.Compress === true || out.Compress === "true";
  return out;
}

function origin(o: any): any {
  const out: any = { ...o, OriginPath: o.OriginPath ?? "" };
  out.CustomHeaders = wrap((o.OriginCustomHeaders ?? []).map((h: any) => ({ HeaderName: h.HeaderName, HeaderValue: h.HeaderValue })));
  delete out.OriginCustomHeaders;
  if (o.CustomOriginConfig) {
    const c = o.CustomOriginConfig;
    out.CustomOriginConfig = {
      HTTPPort: Number(c.HTTPPort ?? 80),
      HTTPSPort: Number(c.HTTPSPort ?? 443),
      OriginProtocolPolicy: c.OriginProtocolPolicy,
      OriginSslProtocols: wrap(c.OriginSSLProtocols ?? ["TLSv1", "SSLv3"]),
      OriginReadTimeout: Number(c.OriginReadTimeout ?? 30),
      OriginKeepaliveTimeout: Number(c.OriginKeepaliveTimeout ?? 5),
    };
  }
  if (o.S3OriginConfig) out.S3OriginConfig = { OriginAccessIdentity: o.S3OriginConfig.OriginAccessIdentity ?? "" };
  return out;
}

/** AWS::CloudFront::Distribution's DistributionConfig → the API's DistributionConfig. */
export function distributionConfigFromCfn(dc: any, callerReference: string): any {
  const out: any = {
    ...dc,
    CallerReference: callerReference,
    Comment: dc.Comment ?? "",
    Enabled: dc.Enabled === true || dc.Enabled === "true",
    Aliases: wrap(dc.Aliases),
    Origins: wrap((dc.Origins ?? []).map(origin)),
    DefaultCacheBehavior: cacheBehavior(dc.DefaultCacheBehavior ?? {}, true),
    CacheBehaviors: wrap((dc.CacheBehaviors ?? []).map((b: any) => cacheBehavior(b, false))),
    CustomErrorResponses: wrap(
      (dc.CustomErrorResponses ?? []).map((r: any) => ({
        ErrorCode: Number(r.ErrorCode),
        ...(r.ResponsePagePath !== undefined ? { ResponsePagePath: r.ResponsePagePath } : {}),
        ...(r.ResponseCode !== undefined ? { ResponseCode: String(r.ResponseCode) } : {}),
        ...(r.ErrorCachingMinTTL !== undefined ? { ErrorCachingMinTTL: Number(r.ErrorCachingMinTTL) } : {}),
      })),
    ),
    DefaultRootObject: dc.DefaultRootObject ?? "",
    PriceClass: dc.PriceClass ?? "PriceClass_All",
    HttpVersion: dc.HttpVersion ?? "http1.1",
    IsIPV6Enabled: dc.IPV6Enabled === true || dc.IPV6Enabled === "true",
  };
  delete out.IPV6Enabled;
  if (dc.OriginGroups) {
    out.OriginGroups = {
      Quantity: dc.OriginGroups.Items?.length ?? 0,
      Items: (dc.OriginGroups.Items ?? []).map((g: any) => ({
        Id: g.Id,
        FailoverCriteria: { StatusCodes: wrap((g.FailoverCriteria?.StatusCodes?.Items ?? []).map(Number)) },
        Members: wrap(g.Members?.Items ?? []),
      })),
    };
  }
  if (dc.Restrictions?.GeoRestriction) {
    const g = dc.Restrictions.GeoRestriction;
    out.Restrictions = { GeoRestriction: { RestrictionType: g.RestrictionType, ...wrap(g.Locations) } };
  }
  return out;
}

/** CachePolicyConfig: the header, cookie and query-string lists get their `{ Quantity, Items }`. */
export function cachePolicyConfigFromCfn(c: any): any {
  const p = c.ParametersInCacheKeyAndForwardedToOrigin ?? {};
  return {
    Comment: c.Comment ?? "",
    Name: c.Name,
    MinTTL: Number(c.MinTTL),
    DefaultTTL: Number(c.DefaultTTL),
    MaxTTL: Number(c.MaxTTL),
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: p.EnableAcceptEncodingGzip === true || p.EnableAcceptEncodingGzip === "true",
      EnableAcceptEncodingBrotli: p.EnableAcceptEncodingBrotli === true || p.EnableAcceptEncodingBrotli === "true",
      HeadersConfig: { HeaderBehavior: p.HeadersConfig?.HeaderBehavior, ...(p.HeadersConfig?.Headers ? { Headers: wrap(p.HeadersConfig.Headers) } : {}) },
      CookiesConfig: { CookieBehavior: p.CookiesConfig?.CookieBehavior, ...(p.CookiesConfig?.Cookies ? { Cookies: wrap(p.CookiesConfig.Cookies) } : {}) },
      QueryStringsConfig: { QueryStringBehavior: p.QueryStringsConfig?.QueryStringBehavior, ...(p.QueryStringsConfig?.QueryStrings ? { QueryStrings: wrap(p.QueryStringsConfig.QueryStrings) } : {}) },
    },
  };
}

export function originRequestPolicyConfigFromCfn(c: any): any {
  return {
    Comment: c.Comment ?? "",
    Name: c.Name,
    HeadersConfig: { HeaderBehavior: c.HeadersConfig?.HeaderBehavior, ...(c.HeadersConfig?.Headers ? { Headers: wrap(c.HeadersConfig.Headers) } : {}) },
    CookiesConfig: { CookieBehavior: c.CookiesConfig?.CookieBehavior, ...(c.CookiesConfig?.Cookies ? { Cookies: wrap(c.CookiesConfig.Cookies) } : {}) },
    QueryStringsConfig: { QueryStringBehavior: c.QueryStringsConfig?.QueryStringBehavior, ...(c.QueryStringsConfig?.QueryStrings ? { QueryStrings: wrap(c.QueryStringsConfig.QueryStrings) } : {}) },
  };
}

const bool = (v: unknown) => v === true || v === "true";

export function responseHeadersPolicyConfigFromCfn(c: any): any {
  const out: any = { Comment: c.Comment ?? "", Name: c.Name };
  if (c.CorsConfig) {
    const k = c.CorsConfig;
    out.CorsConfig = {
      AccessControlAllowCredentials: bool(k.AccessControlAllowCredentials),
      AccessControlAllowHeaders: wrap(k.AccessControlAllowHeaders?.Items),
      AccessControlAllowMethods: wrap(k.AccessControlAllowMethods?.Items),
      AccessControlAllowOrigins: wrap(k.AccessControlAllowOrigins?.Items),
      ...(k.AccessControlExposeHeaders ? { AccessControlExposeHeaders: wrap(k.AccessControlExposeHeaders.Items) } : {}),
      ...(k.AccessControlMaxAgeSec !== undefined ? { AccessControlMaxAgeSec: Number(k.AccessControlMaxAgeSec) } : {}),
      OriginOverride: bool(k.OriginOverride),
    };
  }
  if (c.SecurityHeadersConfig) out.SecurityHeadersConfig = c.SecurityHeadersConfig;
  if (c.CustomHeadersConfig) out.CustomHeadersConfig = wrap((c.CustomHeadersConfig.Items ?? []).map((h: any) => ({ ...h, Override: bool(h.Override) })));
  if (c.RemoveHeadersConfig) out.RemoveHeadersConfig = wrap(c.RemoveHeadersConfig.Items);
  if (c.ServerTimingHeadersConfig) out.ServerTimingHeadersConfig = c.ServerTimingHeadersConfig;
  return out;
}
