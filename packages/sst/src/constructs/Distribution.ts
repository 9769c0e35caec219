/**
 * SST v2's Distribution: the CloudFront distribution in front of a site, its URL, and
 * cache invalidation through the stack's custom resource handler
 * (Custom::CloudFrontInvalidator). Sites create it with the same construct ids SST
 * v2 uses, so the logical ids match SST v2's templates.
 *
 * Custom domains need Route 53 hosted-zone lookups and ACM certificates, which the
 * local cloud does not provide yet: `customDomain` fails, naming the site and the prop.
 */
import { Construct, type IConstruct } from "constructs";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import type { SiteDomainProps } from "./BaseSite.js";

export interface DistributionDomainProps extends SiteDomainProps {}

export interface DistributionProps {
  /** Where the CloudFront resources are created (SST v2 puts them directly under the site). */
  scopeOverride?: IConstruct;
  customDomain?: string | DistributionDomainProps;
  cdk: { distribution: cloudfront.DistributionProps | cloudfront.IDistribution };
  /** For error messages: `StaticSite "Web"`. */
  owner: string;
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
  private readonly scopeForResources: Construct;

  constructor(scope: Construct, id: string, props: DistributionProps) {
    super(scope, id);
    this.scopeForResources = (props.scopeOverride as Construct | undefined) ?? this;
    if (props.customDomain) {
      throw new Error(
        `${props.owner}: "customDomain" is not supported yet (it needs Route 53 hosted zones and ACM certificates). Remove it, or put the domain in front of the site's URL yourself.`,
      );
    }
    const given = props.cdk.distribution;
    if (isDistribution(given)) {
      this.distribution = given;
      return;
    }
    const dp = given as cloudfront.DistributionProps;
    if (dp.certificate) throw new Error(`${props.owner}: do not configure "cdk.distribution.certificate"; use "customDomain".`);
    if (dp.domainNames) throw new Error(`${props.owner}: do not configure "cdk.distribution.domainNames"; use "customDomain".`);
    this.distribution = new cloudfront.Distribution(this.scopeForResources, "Distribution", { ...dp, domainNames: [] });
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
        paths: [...new Set(props.paths ?? ["/*"])],
        wait: props.wait ?? false,
      },
    });
    resource.node.addDependency(policy);
    for (const d of props.dependsOn ?? []) resource.node.addDependency(d);
    return resource;
  }
}

function isDistribution(x: unknown): x is cloudfront.IDistribution {
  return x instanceof Construct;
}
