/**
 * The S3 deployment SST v2 writes for a site: the archives as S3 assets, and a
 * Custom::S3Uploader run by the stack's custom resource handler (allowed to read the
 * assets and write the site's bucket by an inline policy on its role).
 */
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Asset } from "aws-cdk-lib/aws-s3-assets";
import type { Construct } from "constructs";
import { Stack } from "../Stack.js";

export interface SiteFileOptions {
  files: string | string[];
  ignore?: string | string[];
  cacheControl?: string;
  contentType?: string;
}

export interface SiteReplaceValue {
  files: string;
  search: string;
  replace: string;
}

export interface S3DeploymentProps {
  bucket: s3.IBucket;
  /** Zip parts, in order. */
  parts: string[];
  /** The list of uploaded keys, for purging old files (StaticSite). */
  filenames?: string;
  /** Construct ids: SST v2 uses "S3UploaderPolicy"/"S3Uploader" for StaticSite, "S3AssetUploaderPolicy"/"S3AssetUploader" for SSR sites. */
  policyId: string;
  resourceId: string;
  properties: Record<string, unknown>;
}

export function createS3Deployment(scope: Construct, props: S3DeploymentProps): { resource: cdk.CustomResource; assets: Asset[] } {
  const stack = Stack.of(scope) as Stack;
  const assets = props.parts.map((file, i) => new Asset(scope, `Asset${i}`, { path: file }));
  const filenames = props.filenames ? new Asset(scope, "AssetFilenames", { path: props.filenames }) : undefined;
  const policy = new iam.Policy(scope, props.policyId, {
    statements: [
      new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["lambda:InvokeFunction"], resources: [stack.customResourceHandler.functionArn] }),
      new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["s3:ListBucket", "s3:PutObject", "s3:DeleteObject"], resources: [props.bucket.bucketArn, `${props.bucket.bucketArn}/*`] }),
      new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["s3:GetObject"], resources: [`${assets[0]!.bucket.bucketArn}/*`] }),
    ],
  });
  stack.customResourceHandler.role?.attachInlinePolicy(policy);
  const resource = new cdk.CustomResource(scope, props.resourceId, {
    serviceToken: stack.customResourceHandler.functionArn,
    resourceType: "Custom::S3Uploader",
    properties: {
      sources: assets.map((a) => ({ bucketName: a.s3BucketName, objectKey: a.s3ObjectKey })),
      destinationBucketName: props.bucket.bucketName,
      ...(filenames ? { filenames: { bucketName: filenames.s3BucketName, objectKey: filenames.s3ObjectKey } } : {}),
      ...props.properties,
    },
  });
  resource.node.addDependency(policy);
  return { resource, assets };
}
