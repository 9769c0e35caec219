/**
 * SST v2's Distribution: the CloudFront distribution in front of a site, its URL, and
 * cache invalidation through the stack's custom resource handler
 * (Custom::CloudFrontInvalidator). Sites create it with the same construct ids SST
 * v2 uses, so the logical ids match SST v2's templates.
 *
 * A custom domain is SST v2's: the hosted zone looked up (or given), a DNS-validated
 * certificate in us-east-1 (or the one given), the domain names on the distribution,
 * A and AAAA alias records, and for `domainAlias` a redirecting distribution. The
 * local cloud has no DNS or certificates: a deploy to it serves the site on its own
 * `*.cloudfront.localhost` name and says so once; the AWS form (`sst build`,
 * `--to aws`) has every resource.
 */
import { Construct, type IConstruct } from "constructs";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as route53Targets from "aws-cdk-lib/aws-route53-targets";
import { HttpsRedirect } from "aws-cdk-lib/aws-route53-patterns";
import { addSiteNotice } from "./site/notice.js";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import type { SiteDomainProps } from "./BaseSite.js";

export interface DistributionDomainProps extends SiteDomainProps {}

/** The custom domain's CDK objects (SST v2's `customDomain.cdk`). */
interface DomainCdk {
  hostedZone?: route53.IHostedZone;
  certificate?: acm.ICertificate;
}

export interface DistributionProps {
  /** Where the CloudFront resources are created (SST v2 puts them directly under the site). */
  scopeOverride?: IConstruct;
  customDomain?: string | DistributionDomainProps;
  cdk: { distribution: cloudfront.DistributionProps | cloudfront.IDistribution };
  /** For error messages: `StaticSite "Web"`. @default `Distribution "{id}"` */
  owner?: string;
}

export interface InvalidationProps {
  /** Changes when the content changes, so CloudFormation updates the invalidator. */
  version?: string;
  paths?: string[];
  wait?: boolean;
  dependsOn?: Construct[];
}

export class Distribution extends Construct {
  readonly distribution: cloudfront.IDistribution;
  readonly hostedZone?: route53.IHostedZone;
  readonly certificate?: acm.ICertificate;
  /** False when the custom domain is only on AWS (a deploy to the local cloud). */
  readonly servesCustomDomain: boolean;
  private readonly scopeForResources: Construct;
  private readonly customDomain?: string | DistributionDomainProps;

  constructor(scope: Construct, id: string, props: DistributionProps) {
    super(scope, id);
    this.scopeForResources = (props.scopeOverride as Construct | undefined) ?? this;
    this.customDomain = props.customDomain;
    const owner = props.owner ?? `Distribution "${id}"`;
    const given = props.cdk.distribution;
    this.servesCustomDomain = !!props.customDomain;
    if (isDistribution(given)) {
      this.distribution = given;
      return;
    }
    const domain = normalizeDomain(owner, props.customDomain);
    const dp = given as cloudfront.DistributionProps;
    if (dp.certificate) throw new Error(`${owner}: Do not configure the "cfDistribution.certificate". Use the "customDomain" to configure the domain certificate (cdk.distribution.certificate).`);
    if (dp.domainNames) throw new Error(`${owner}: Do not configure the "cfDistribution.domainNames". Use the "customDomain" to configure the domain name (cdk.distribution.domainNames).`);
    if (domain && App.of(this).target === "local") {
      this.servesCustomDomain = false;
      addSiteNotice(this.scopeForResources, owner, "customDomain",
        `the local CDN serves the site on its own *.cloudfront.localhost name; ${domain.domainName}'s certificate, DNS records${domain.domainAlias ? " and redirect" : ""} are created on AWS`);
      this.distribution = new cloudfront.Distribution(this.scopeForResources, "Distribution", { ...dp, domainNames: [] });
      return;
    }
    this.hostedZone = domain ? this.lookupHostedZone(domain) : undefined;
    this.certificate = domain ? this.createCertificate(domain) : undefined;
    const domainNames = domain ? [domain.domainName] : [];
    if (domain?.alternateNames?.length) {
      if (!domain.cdk?.certificate) throw new Error(`${owner}: Certificates for alternate domains cannot be automatically created. Please specify certificate to use (customDomain.cdk.certificate).`);
      domainNames.push(...domain.alternateNames);
    }
    this.distribution = new cloudfront.Distribution(this.scopeForResources, "Distribution", { ...dp, domainNames, certificate: this.certificate });
    if (domain) this.createRecords(domain);
  }

  /** SST v2: the zone of `hostedZone` (a name is looked up), else of the domain itself (unless external). */
  private lookupHostedZone(domain: NormalizedDomain): route53.IHostedZone | undefined {
    const lookup = (domainName: string) => route53.HostedZone.fromLookup(this.scopeForResources, "HostedZone", { domainName });
    if (domain.cdk?.hostedZone) return domain.cdk.hostedZone;
    if (typeof domain.hostedZone === "string") return lookup(domain.hostedZone);
    if (domain.isExternalDomain) return undefined;
    return lookup(domain.domainName);
  }

  /** A certificate in us-east-1 (CloudFront's), validated through the zone; or the one given. */
  private createCertificate(domain: NormalizedDomain): acm.ICertificate | undefined {
    if (domain.cdk?.certificate) return domain.cdk.certificate;
    if (!this.hostedZone) return undefined;
    return new acm.DnsValidatedCertificate(this.scopeForResources, "Certificate", { domainName: domain.domainName, hostedZone: this.hostedZone, region: "us-east-1" });
  }

  private createRecords(domain: NormalizedDomain): void {
    if (!this.hostedZone) return;
    const record = { recordName: domain.domainName, zone: this.hostedZone, target: route53.RecordTarget.fromAlias(new route53Targets.CloudFrontTarget(this.distribution)) };
    new route53.ARecord(this.scopeForResources, "AliasRecord", record);
    new route53.AaaaRecord(this.scopeForResources, "AliasRecordAAAA", record);
    if (domain.domainAlias) {
      new HttpsRedirect(this.scopeForResources, "Redirect", { zone: this.hostedZone, recordNames: [domain.domainAlias], targetDomain: domain.domainName });
    }
  }

  /**
   * The distribution's URL. On AWS `https://{domain}`, as SST v2 writes it; the local
   * CDN answers plain HTTP on `{id}.cloudfront.localhost:{port}`, so a deploy to the
   * local cloud writes `http://`.
   */
  get url(): string {
    const scheme = App.of(this).target === "local" ? "http" : "https";
    return `${scheme}://${this.distribution.distributionDomainName}`;
  }

  /** `https://{customDomain}` when one is set (SST v2's; on AWS only: see `servesCustomDomain`). */
  get customDomainUrl(): string | undefined {
    const d = this.customDomain;
    if (!d) return undefined;
    return `https://${typeof d === "string" ? d : d.domainName}`;
  }

  /** SST v2's `cdk`: the CloudFront distribution and, with a custom domain, its zone and certificate. */
  get cdk(): { distribution: cloudfront.IDistribution; hostedZone?: route53.IHostedZone; certificate?: acm.ICertificate } {
    return { distribution: this.distribution, hostedZone: this.hostedZone, certificate: this.certificate };
  }

  createInvalidation(props: InvalidationProps = {}): cdk.CustomResource {
    const stack = Stack.of(this) as Stack;
    const policy = new iam.Policy(this.scopeForResources, "CloudFrontInvalidatorPolicy", {
      statements: [
        new iam.PolicyStatement({
          effect: iam.Effect.ALLOW,
          actions: ["cloudfront:GetInvalidation", "cloudfront:CreateInvalidation"],
          resources: [`arn:${stack.partition}:cloudfront::${stack.account}:distribution/${this.distribution.distributionId}`],
        }),
      ],
    });
    stack.customResourceHandler.role?.attachInlinePolicy(policy);
    const resource = new cdk.CustomResource(this.scopeForResources, "CloudFrontInvalidator", {
      serviceToken: stack.customResourceHandler.functionArn,
      resourceType: "Custom::CloudFrontInvalidator",
      properties: {
        version: props.version ?? Date.now().toString(16) + Math.random().toString(16).slice(2),
        distributionId: this.distribution.distributionId,
        paths: Array.from(new Set(props.paths ?? ["/*"])),
        wait: props.wait ?? false,
      },
    });
    resource.node.addDependency(policy);
    for (const d of props.dependsOn ?? []) resource.node.addDependency(d);
    return resource;
  }
}

interface NormalizedDomain extends Omit<DistributionDomainProps, "cdk"> {
  cdk?: DomainCdk;
}

/** `customDomain` as an object, checked as SST v2 checks it. */
function normalizeDomain(owner: string, d: string | DistributionDomainProps | undefined): NormalizedDomain | undefined {
  if (d === undefined) return undefined;
  if (typeof d === "string") return { domainName: d };
  if (!d || typeof d !== "object" || !d.domainName) throw new Error(`${owner}: Missing "domainName" for customDomain.`);
  const cdk = d.cdk as DomainCdk | undefined;
  if (d.isExternalDomain) {
    if (!cdk?.certificate) throw new Error(`${owner}: A valid certificate is required when "isExternalDomain" is set to "true" (customDomain.cdk.certificate).`);
    if (d.domainAlias) throw new Error(`${owner}: Domain alias is only supported for domains hosted on Amazon Route 53. Do not set the "customDomain.domainAlias" when "isExternalDomain" is enabled.`);
    if (d.hostedZone) throw new Error(`${owner}: Hosted zones can only be configured for domains hosted on Amazon Route 53. Do not set the "customDomain.hostedZone" when "isExternalDomain" is enabled.`);
  }
  return { ...d, cdk };
}

function isDistribution(x: unknown): x is cloudfront.IDistribution {
  return x instanceof Construct;
}
