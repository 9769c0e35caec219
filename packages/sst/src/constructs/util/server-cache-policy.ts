/**
 * SST v2's "server response" CloudFront cache policy, which its SSR sites and Service
 * put in front of their server: the query string in the key, no cookies, the given
 * headers (none by default), nothing cached unless the server says so (default TTL 0,
 * up to a year), compressed responses cached apart.
 */
import * as cdk from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type { Construct } from "constructs";

export function serverResponseCachePolicy(scope: Construct, id: string, allowedHeaders: string[] = []): cloudfront.CachePolicy {
  return new cloudfront.CachePolicy(scope, id, {
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
    headerBehavior: allowedHeaders.length > 0 ? cloudfront.CacheHeaderBehavior.allowList(...allowedHeaders) : cloudfront.CacheHeaderBehavior.none(),
    cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    defaultTtl: cdk.Duration.days(0),
    maxTtl: cdk.Duration.days(365),
    minTtl: cdk.Duration.days(0),
    enableAcceptEncodingBrotli: true,
    enableAcceptEncodingGzip: true,
    comment: "SST server response cache policy",
  });
}
