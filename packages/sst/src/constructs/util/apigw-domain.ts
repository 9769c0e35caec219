/**
 * Custom domains of API Gateway v2 APIs as SST v2 builds them: a Route 53 hosted zone
 * (looked up from the domain, or given), a DNS-validated ACM certificate, the API
 * Gateway domain name, and A/AAAA alias records; or an external domain with a given
 * certificate; or an existing API Gateway domain shared between APIs.
 *
 * Locally the certificate and records are inert, and the domain is served by the
 * local cloud at `http://<domain>.localhost:<port>`.
 */
import type { Construct } from "constructs";
import * as cdk from "aws-cdk-lib";
import * as apig from "aws-cdk-lib/aws-apigatewayv2";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as route53Targets from "aws-cdk-lib/aws-route53-targets";
import * as acm from "aws-cdk-lib/aws-certificatemanager";

export interface CustomDomainProps {
  /** The domain, e.g. "api.example.com". */
  domainName?: string;
  /** The Route 53 hosted zone's domain. @default the domain without its first label */
  hostedZone?: string;
  /** Base path the API is mapped under. @default the root */
  path?: string;
  /** The domain is not on Route 53: give `cdk.certificate`, no records are created. @default false */
  isExternalDomain?: boolean;
  cdk?: {
    domainName?: apig.IDomainName;
    hostedZone?: route53.IHostedZone;
    certificate?: acm.ICertificate;
  };
}

export interface CustomDomainData {
  apigDomain: apig.IDomainName;
  mappingKey?: string;
  certificate?: acm.ICertificate;
  isApigDomainCreated: boolean;
  isCertificatedCreated: boolean;
  /** "api.example.com" or "api.example.com/v1/" */
  url: string;
  /** The domain name as given (may be a token). */
  domainName: string;
}

export function buildCustomDomainData(scope: Construct, customDomain: string | CustomDomainProps | undefined): CustomDomainData | undefined {
  if (customDomain === undefined) return undefined;
  if (typeof customDomain === "string") return fromString(scope, customDomain);
  if (customDomain.domainName) {
    return customDomain.isExternalDomain ? fromExternal(scope, customDomain) : fromInternal(scope, customDomain);
  }
  if (customDomain.cdk?.domainName) return fromConstruct(customDomain);
  throw new Error(`Missing "domainName" in the customDomain setting`);
}

function fromString(scope: Construct, domainName: string): CustomDomainData {
  if (cdk.Token.isUnresolved(domainName)) {
    throw new Error(`You also need to specify the "hostedZone" if the "domainName" is passed in as a reference.`);
  }
  assertLowerCase(domainName);
  const hostedZone = lookupHostedZone(scope, parseRoute53Domain(domainName));
  const certificate = createCertificate(scope, domainName, hostedZone);
  const apigDomain = createApigDomain(scope, domainName, certificate);
  createAliasRecords(scope, hostedZone, domainName, apigDomain);
  return { apigDomain, certificate, isApigDomainCreated: true, isCertificatedCreated: true, url: domainUrl(domainName), domainName };
}

function fromInternal(scope: Construct, customDomain: CustomDomainProps): CustomDomainData {
  const domainName = customDomain.domainName!;
  if (cdk.Token.isUnresolved(domainName)) {
    if (!customDomain.hostedZone && !customDomain.cdk?.hostedZone) {
      throw new Error(`You also need to specify the "hostedZone" if the "domainName" is passed in as a reference.`);
    }
  } else {
    assertLowerCase(domainName);
  }
  // A given zone object covers a public and a private zone of the same name.
  const hostedZone = customDomain.hostedZone
    ? lookupHostedZone(scope, customDomain.hostedZone)
    : customDomain.cdk?.hostedZone ?? lookupHostedZone(scope, parseRoute53Domain(domainName));
  const certificate = customDomain.cdk?.certificate ?? createCertificate(scope, domainName, hostedZone);
  const apigDomain = createApigDomain(scope, domainName, certificate);
  createAliasRecords(scope, hostedZone, domainName, apigDomain);
  return {
    apigDomain,
    mappingKey: customDomain.path,
    certificate,
    isApigDomainCreated: true,
    isCertificatedCreated: !customDomain.cdk?.certificate,
    url: domainUrl(domainName, customDomain.path),
    domainName,
  };
}

function fromExternal(scope: Construct, customDomain: CustomDomainProps): CustomDomainData {
  if (!customDomain.cdk?.certificate) throw new Error(`A valid certificate is required when "isExternalDomain" is set to "true".`);
  if (customDomain.hostedZone || customDomain.cdk?.hostedZone) {
    throw new Error(`Hosted zones can only be configured for domains hosted on Amazon Route 53. Do not set the "hostedZone" when "isExternalDomain" is enabled.`);
  }
  const domainName = customDomain.domainName!;
  if (!cdk.Token.isUnresolved(domainName)) assertLowerCase(domainName);
  const certificate = customDomain.cdk.certificate;
  const apigDomain = createApigDomain(scope, domainName, certificate);
  return {
    apigDomain,
    mappingKey: customDomain.path,
    certificate,
    isApigDomainCreated: true,
    isCertificatedCreated: false,
    url: domainUrl(domainName, customDomain.path),
    domainName,
  };
}

/** An API Gateway domain made by another Api, shared (each Api mapped under its own path). */
function fromConstruct(customDomain: CustomDomainProps): CustomDomainData {
  if (customDomain.hostedZone || customDomain.cdk?.hostedZone) throw new Error(`Cannot configure the "hostedZone" when the "domainName" is a construct`);
  if (customDomain.cdk?.certificate) throw new Error(`Cannot configure the "certificate" when the "domainName" is a construct`);
  const apigDomain = customDomain.cdk!.domainName!;
  return {
    apigDomain,
    mappingKey: customDomain.path,
    isApigDomainCreated: false,
    isCertificatedCreated: false,
    url: domainUrl(apigDomain.name, customDomain.path),
    domainName: apigDomain.name,
  };
}

function lookupHostedZone(scope: Construct, domainName: string): route53.IHostedZone {
  return route53.HostedZone.fromLookup(scope, "HostedZone", { domainName });
}

function createCertificate(scope: Construct, domainName: string, hostedZone: route53.IHostedZone): acm.ICertificate {
  return new acm.Certificate(scope, "Certificate", { domainName, validation: acm.CertificateValidation.fromDns(hostedZone) });
}

function createApigDomain(scope: Construct, domainName: string, certificate: acm.ICertificate): apig.DomainName {
  return new apig.DomainName(scope, "DomainName", { domainName, certificate });
}

function createAliasRecords(scope: Construct, zone: route53.IHostedZone, domainName: string, apigDomain: apig.IDomainName): void {
  const props: route53.ARecordProps = {
    recordName: domainName,
    zone,
    target: route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayv2DomainProperties(apigDomain.regionalDomainName, apigDomain.regionalHostedZoneId)),
  };
  const records = [new route53.ARecord(scope, "AliasRecord", props), new route53.AaaaRecord(scope, "AliasRecordAAAA", props)];
  // A token domain would get ".<zone name>" appended by the record construct.
  if (cdk.Token.isUnresolved(domainName)) {
    for (const r of records) (r.node.defaultChild as route53.CfnRecordSet).name = domainName;
  }
}

/** With a base path the URL needs its trailing slash (API Gateway answers Not Found without it). */
function domainUrl(domainName: string, mappingKey?: string): string {
  return mappingKey ? `${domainName}/${mappingKey}/` : domainName;
}

function assertLowerCase(domainName: string): void {
  if (domainName !== domainName.toLowerCase()) throw new Error(`The domain name needs to be in lowercase`);
}

/** "api.example.com" → "example.com"; "example.com" stays. */
export function parseRoute53Domain(domainName: string): string {
  const parts = domainName.split(".");
  return parts.length <= 2 ? domainName : parts.slice(1).join(".");
}
