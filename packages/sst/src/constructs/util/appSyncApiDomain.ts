/**
 * An AppSync API's custom domain as SST v2 writes it: a certificate in us-east-1 (AppSync
 * domains are served through CloudFront; a DNS-validated certificate made cross-region
 * when the stack is elsewhere), the GraphQL API's `domainName`, and a CNAME (default) or
 * A/AAAA alias records in the Route 53 zone. External domains bring their certificate.
 */
import * as cdk from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as route53Targets from "aws-cdk-lib/aws-route53-targets";
import type * as appsync from "aws-cdk-lib/aws-appsync";
import type { Construct } from "constructs";

export interface CustomDomainProps {
  domainName?: string;
  hostedZone?: string;
  /** @default "CNAME" */
  recordType?: "CNAME" | "A_AAAA";
  /** The domain is not in Route 53: no records, and `cdk.certificate` is required. */
  isExternalDomain?: boolean;
  cdk?: { hostedZone?: route53.IHostedZone; certificate?: acm.ICertificate };
}

export interface CustomDomainData {
  certificate: acm.ICertificate;
  domainName: string;
  hostedZone?: route53.IHostedZone;
  recordType?: CustomDomainProps["recordType"];
}

/** Errors read as SST v2's; the caller names the construct and prop. */
export function buildAppSyncDomainData(scope: Construct, customDomain: string | CustomDomainProps | undefined): CustomDomainData | undefined {
  if (customDomain === undefined) return undefined;
  const props: CustomDomainProps = typeof customDomain === "string" ? { domainName: customDomain } : customDomain;
  const domainName = props.domainName;
  if (!domainName) throw new Error(`Missing "domainName" in sst.AppSyncApi's customDomain setting`);
  if (props.isExternalDomain) {
    if (!props.cdk?.certificate) throw new Error(`A valid certificate is required when "isExternalDomain" is set to "true".`);
    if (props.hostedZone || props.cdk?.hostedZone) {
      throw new Error(`Hosted zones can only be configured for domains hosted on Amazon Route 53. Do not set the "hostedZone" when "isExternalDomain" is enabled.`);
    }
    assertLowerCase(domainName);
    return { certificate: props.cdk.certificate, domainName };
  }
  if (cdk.Token.isUnresolved(domainName)) {
    if (typeof customDomain === "string" || !props.hostedZone) {
      throw new Error(`You also need to specify the "hostedZone" if the "domainName" is passed in as a reference.`);
    }
  } else {
    assertLowerCase(domainName);
  }
  const hostedZone = props.hostedZone
    ? route53.HostedZone.fromLookup(scope, "HostedZone", { domainName: props.hostedZone })
    : props.cdk?.hostedZone ?? route53.HostedZone.fromLookup(scope, "HostedZone", { domainName: domainName.split(".").slice(1).join(".") });
  const certificate = props.cdk?.certificate ?? (cdk.Stack.of(scope).region === "us-east-1"
    ? new acm.Certificate(scope, "Certificate", { domainName, validation: acm.CertificateValidation.fromDns(hostedZone) })
    : new acm.DnsValidatedCertificate(scope, "Certificate", { domainName, hostedZone, region: "us-east-1" }));
  return { certificate, domainName, hostedZone, recordType: props.recordType };
}

/** After the API exists: its domain's DNS records, and the association made after the domain. */
export function addAppSyncDomainRecords(scope: Construct, api: appsync.GraphqlApi, data: CustomDomainData): void {
  const cfnDomain = api.node.children.find((c) => (c as cdk.CfnResource).cfnResourceType === "AWS::AppSync::DomainName") as appsync.CfnDomainName | undefined;
  const association = api.node.children.find((c) => (c as cdk.CfnResource).cfnResourceType === "AWS::AppSync::DomainNameApiAssociation");
  if (cfnDomain && association) association.node.addDependency(cfnDomain);
  if (!data.hostedZone || !cfnDomain) return;
  const target = route53.RecordTarget.fromAlias({
    bind: () => ({ hostedZoneId: route53Targets.CloudFrontTarget.CLOUDFRONT_ZONE_ID, dnsName: cfnDomain.attrAppSyncDomainName }),
  });
  const records = (data.recordType ?? "CNAME") === "CNAME"
    ? [new route53.CnameRecord(scope, "CnameRecord", { recordName: data.domainName, zone: data.hostedZone, domainName: cfnDomain.attrAppSyncDomainName })]
    : [
        new route53.ARecord(scope, "AliasRecord", { recordName: data.domainName, zone: data.hostedZone, target }),
        new route53.AaaaRecord(scope, "AliasRecordAAAA", { recordName: data.domainName, zone: data.hostedZone, target }),
      ];
  // A token name would get the zone's name appended; the reference is the full name already.
  if (cdk.Token.isUnresolved(data.domainName)) for (const r of records) (r.node.defaultChild as route53.CfnRecordSet).name = data.domainName;
}

function assertLowerCase(domainName: string): void {
  if (domainName !== domainName.toLowerCase()) throw new Error(`The domain name needs to be in lowercase`);
}
