/**
 * AWS::CloudFront::CachePolicy, ::OriginRequestPolicy, ::ResponseHeadersPolicy,
 * ::CloudFrontOriginAccessIdentity and ::OriginAccessControl (GetAtt Id, and
 * S3CanonicalUserId for an origin access identity).
 */
import { randomUUID } from "node:crypto";
import { cloudfrontConfigResource } from "./cloudfront-config-resource.js";
import { cachePolicyConfigFromCfn, originRequestPolicyConfigFromCfn, responseHeadersPolicyConfigFromCfn } from "./cloudfront-shapes.js";

const withId = (r: any) => ({ Id: r.Id, LastModifiedTime: r.LastModifiedTime });

export const cloudfrontCachePolicy = cloudfrontConfigResource({
  noun: "CachePolicy", configProp: "CachePolicyConfig", config: "CachePolicyConfig",
  convert: (c) => cachePolicyConfigFromCfn(c), attributes: withId,
});

export const cloudfrontOriginRequestPolicy = cloudfrontConfigResource({
  noun: "OriginRequestPolicy", configProp: "OriginRequestPolicyConfig", config: "OriginRequestPolicyConfig",
  convert: (c) => originRequestPolicyConfigFromCfn(c), attributes: withId,
});

export const cloudfrontResponseHeadersPolicy = cloudfrontConfigResource({
  noun: "ResponseHeadersPolicy", configProp: "ResponseHeadersPolicyConfig", config: "ResponseHeadersPolicyConfig",
  convert: (c) => responseHeadersPolicyConfigFromCfn(c), attributes: withId,
});

export const cloudfrontOriginAccessIdentity = cloudfrontConfigResource({
  noun: "CloudFrontOriginAccessIdentity", configProp: "CloudFrontOriginAccessIdentityConfig", config: "CloudFrontOriginAccessIdentityConfig",
  convert: (c) => ({ CallerReference: randomUUID(), Comment: c.Comment ?? "" }),
  attributes: (r) => ({ Id: r.Id, S3CanonicalUserId: r.S3CanonicalUserId }),
});

export const cloudfrontOriginAccessControl = cloudfrontConfigResource({
  noun: "OriginAccessControl", configProp: "OriginAccessControlConfig", config: "OriginAccessControlConfig",
  convert: (c) => ({ Description: c.Description ?? "", Name: c.Name, SigningProtocol: c.SigningProtocol, SigningBehavior: c.SigningBehavior, OriginAccessControlOriginType: c.OriginAccessControlOriginType }),
  attributes: (r) => ({ Id: r.Id }),
});
