/**
 * SST v2's StaticSite: a built folder served from a private S3 bucket through a
 * CloudFront distribution. Under `sst dev` nothing is built or deployed (see
 * BaseSite.ts). Otherwise, once every stack is defined: the build command runs with
 * the site's environment (skipped when nothing changed), the build output is zipped
 * into assets that a Custom::S3Uploader unpacks into the bucket (content types,
 * cache-control by pattern, deploy-time values replaced, old files purged), and a
 * Custom::CloudFrontInvalidator clears the CDN — the resources SST v2 writes, under
 * the same construct ids.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import * as cdk from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import { BaseSite, type BaseSiteProps } from "./BaseSite.js";
import { Distribution, type DistributionDomainProps } from "./Distribution.js";
import { runSiteBuild, siteBuildRecord } from "./site/build.js";
import { createSiteArchive } from "./site/archive.js";
import { createS3Deployment, type SiteFileOptions, type SiteReplaceValue } from "./site/s3-deployment.js";
import { errorResponsesFor404Page, errorResponsesForRedirectToIndex, tokenReplaceValues } from "./site/site-config.js";

export interface StaticSiteFileOptions extends SiteFileOptions {}
export interface StaticSiteReplaceProps extends SiteReplaceValue {}
export interface StaticSiteDomainProps extends DistributionDomainProps {}

export interface StaticSiteProps extends BaseSiteProps {
  /** The site's folder, relative to the app's root. @default "." */
  path?: string;
  /** Run in `path` to build the site, e.g. "npm run build". @default no build */
  buildCommand?: string;
  /** The folder to upload, relative to `path`. @default the whole `path` */
  buildOutput?: string;
  /** @default "index.html" */
  indexPage?: string;
  /** "redirect_to_index_page" (SPA: errors answer the index page with 200) or a page such as "404.html". @default "redirect_to_index_page" */
  errorPage?: "redirect_to_index_page" | (string & {});
  /** Placeholders replaced in the uploaded files at deploy time. */
  replaceValues?: StaticSiteReplaceProps[];
  /** Delete files the previous deploy uploaded and this one does not have. @default true */
  purgeFiles?: boolean;
  assets?: {
    /** Charset of text files' Content-Type. @default "utf-8" */
    textEncoding?: "utf-8" | "iso-8859-1" | "windows-1252" | "ascii" | "none";
    /** Cache-Control and Content-Type by file pattern (the last match wins). @default no-cache for all, one year for JS/CSS */
    fileOptions?: StaticSiteFileOptions[];
  };
  /** Wait for the CDN invalidation during deploy. @default false */
  waitForInvalidation?: boolean;
  vite?: { types?: string };
  cdk?: {
    id?: string;
    bucket?: s3.BucketProps | s3.IBucket;
    distribution?: cloudfront.IDistribution | Partial<cloudfront.DistributionProps>;
  };
}

const REWRITE_FUNCTION = `
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  
  if (uri.startsWith("/.well-known/")) {
    return request;
  }

  if (uri.endsWith("/")) {
    request.uri += "index.html";
  } else if (!uri.split("/").pop().includes(".")) {
    request.uri += ".html";
  }

  return request;
}
          `;

export class StaticSite extends BaseSite {
  readonly constructType = "StaticSite";
  protected declare readonly props: StaticSiteProps;
  private readonly bucket?: s3.IBucket;

  constructor(scope: Construct, id: string, props: StaticSiteProps = {}) {
    super(scope, id, props, "StaticSite", ".");
    if ((props as { fileOptions?: unknown }).fileOptions) {
      throw new Error(`StaticSite "${id}": In the "${id}" construct, the "fileOptions" property has been replaced by "assets.fileOptions" (SST v2.31).`);
    }
    this.writeViteTypes();
    if (this.doNotDeploy) return;

    this.bucket = this.createBucket();
    this.cdn = this.createDistribution();
    // Built when the app finishes, with the function bundles (SST v2 defers it too).
    App.of(this).addDeferredTask(() => this.buildAndUpload());
  }

  /** The deployed resources (undefined when not deployed). */
  get cdk() {
    if (this.doNotDeploy) return undefined;
    return { bucket: this.bucket!, distribution: this.cdn!.distribution, hostedZone: this.cdn!.hostedZone, certificate: this.cdn!.certificate };
  }

  /**
   * SST v2 zips a site in parts of at most 200 MB; its own tests shrink the part size
   * with the hidden prop `sstTestFileSizeLimitOverride` (in MB) when NODE_ENV is "test",
   * and so does this StaticSite (nowhere else).
   */
  private partLimit(): number {
    const override = (this.props as { sstTestFileSizeLimitOverride?: unknown }).sstTestFileSizeLimitOverride;
    const mb = process.env.NODE_ENV === "test" && typeof override === "number" && override > 0 ? override : 200;
    return Math.floor(mb * 1024 * 1024);
  }

  private createBucket(): s3.IBucket {
    const given = this.props.cdk?.bucket;
    if (given instanceof Construct) return given as s3.IBucket;
    const bucketProps = given as s3.BucketProps | undefined;
    if (bucketProps?.websiteIndexDocument) throw new Error(`${this.owner}: Do not configure the "s3Bucket.websiteIndexDocument". Use the "indexPage" to configure the StaticSite index page (cdk.bucket.websiteIndexDocument).`);
    if (bucketProps?.websiteErrorDocument) throw new Error(`${this.owner}: Do not configure the "s3Bucket.websiteErrorDocument". Use the "errorPage" to configure the StaticSite error page (cdk.bucket.websiteErrorDocument).`);
    return new s3.Bucket(this, "S3Bucket", {
      publicReadAccess: false,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      autoDeleteObjects: true,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
      ...bucketProps,
    });
  }

  private createDistribution(): Distribution {
    const { errorPage, customDomain, cdk: cdkProps } = this.props;
    const indexPage = this.props.indexPage ?? "index.html";
    const given = cdkProps?.distribution;
    const distributionProps = given instanceof Construct ? given : {
      defaultRootObject: indexPage,
      errorResponses: !errorPage || errorPage === "redirect_to_index_page" ? errorResponsesForRedirectToIndex(indexPage) : errorResponsesFor404Page(errorPage),
      ...(given as Partial<cloudfront.DistributionProps> | undefined),
      defaultBehavior: this.defaultBehavior(),
    };
    return new Distribution(this, "CDN", { scopeOverride: this, customDomain, owner: this.owner, cdk: { distribution: distributionProps as cloudfront.DistributionProps } });
  }

  private defaultBehavior(): cloudfront.BehaviorOptions {
    const given = this.props.cdk?.distribution as Partial<cloudfront.DistributionProps> | undefined;
    return {
      origin: new origins.S3Origin(this.bucket!),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      functionAssociations: [
        {
          // Frameworks such as Astro link pages without "index.html" or ".html".
          function: new cloudfront.Function(this, "CloudFrontFunction", { code: cloudfront.FunctionCode.fromInline(REWRITE_FUNCTION) }),
          eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
        },
      ],
      ...given?.defaultBehavior,
    };
  }

  private buildAndUpload(): void {
    const app = App.of(this);
    const buildOutput = this.props.buildOutput ?? ".";
    if (this.props.buildCommand) {
      app.writeTypesBeforeBuild(this);
      runSiteBuild({
        owner: this.owner,
        sitePath: this.sitePath,
        command: this.props.buildCommand,
        environment: this.environment,
        outputs: buildOutput === "." ? [] : [buildOutput],
        recordFile: siteBuildRecord(app.artifactsDir, this.sitePath),
      });
    }
    const outputDir = path.resolve(this.sitePath, buildOutput);
    if (!fs.existsSync(outputDir)) throw new Error(`${this.owner}: No build output found at "${outputDir}" for the "${this.node.id}" StaticSite.`);
    const archive = createSiteArchive([{ from: outputDir, to: "" }], path.join(app.artifactsDir, `StaticSite-${this.node.id}-${this.node.addr}`), this.partLimit());
    const { resource, assets } = createS3Deployment(this, {
      bucket: this.bucket!,
      parts: archive.parts,
      filenames: this.props.purgeFiles === false ? undefined : archive.filenames,
      policyId: "S3UploaderPolicy",
      resourceId: "S3Uploader",
      properties: {
        textEncoding: this.props.assets?.textEncoding ?? "utf-8",
        fileOptions: [
          { files: "**", cacheControl: "max-age=0,no-cache,no-store,must-revalidate" },
          { files: ["**/*.js", "**/*.css"], cacheControl: "max-age=31536000,public,immutable" },
          ...(this.props.assets?.fileOptions ?? []),
        ],
        replaceValues: [...(this.props.replaceValues ?? []), ...tokenReplaceValues(this.environment, ["**/*.html", "**/*.js"])],
      },
    });
    this.cdn!.node.addDependency(resource);
    this.cdn!.createInvalidation({
      version: createHash("md5").update(assets.map((a) => a.assetHash).join("")).digest("hex"),
      wait: this.props.waitForInvalidation,
      dependsOn: [resource],
    });
  }

  /** SST v2 writes `src/sst-env.d.ts` (the `import.meta.env` types) for Vite sites. */
  private writeViteTypes(): void {
    let typesPath = this.props.vite?.types;
    if (!typesPath && ["vite.config.js", "vite.config.ts", "vite.config.mjs"].some((f) => fs.existsSync(path.join(this.sitePath, f)))) typesPath = "src/sst-env.d.ts";
    if (!typesPath || !fs.existsSync(this.sitePath)) return;
    const file = path.resolve(this.sitePath, typesPath);
    const keys = Object.keys(this.environment).map((k) => `  readonly ${k}: string`).join("\n");
    const content = `/// <reference types="vite/client" />\ninterface ImportMetaEnv {\n${keys}\n}\ninterface ImportMeta {\n  readonly env: ImportMetaEnv\n}`;
    // Written only when it changes: its modification time is an input of the build.
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
