/** Settings SST v2's sites share: error responses for SPAs and 404 pages, deploy-time replacements. */
import * as cdk from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type { SiteReplaceValue } from "./s3-deployment.js";

/** A single-page app: a missing file (403 from the bucket) or 404 answers the index page with 200. */
export function errorResponsesForRedirectToIndex(indexPage: string): cloudfront.ErrorResponse[] {
  return [
    { httpStatus: 403, responsePagePath: `/${indexPage}`, responseHttpStatus: 200 },
    { httpStatus: 404, responsePagePath: `/${indexPage}`, responseHttpStatus: 200 },
  ];
}

/** A site with its own error page, kept with the original status. */
export function errorResponsesFor404Page(errorPage: string): cloudfront.ErrorResponse[] {
  return [
    { httpStatus: 403, responsePagePath: `/${errorPage}` },
    { httpStatus: 404, responsePagePath: `/${errorPage}` },
  ];
}

/**
 * Environment values CloudFormation resolves (tokens) were `{{ KEY }}` during the
 * build; the S3 uploader replaces them in these files with the deployed values.
 */
export function tokenReplaceValues(environment: Record<string, string>, files: string[]): SiteReplaceValue[] {
  const out: SiteReplaceValue[] = [];
  for (const [key, value] of Object.entries(environment)) {
    if (!cdk.Token.isUnresolved(value)) continue;
    for (const f of files) out.push({ files: f, search: `{{ ${key} }}`, replace: value });
  }
  return out;
}
