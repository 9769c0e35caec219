/**
 * Custom domain names and their API mappings (CreateDomainName, CreateApiMapping …).
 * On AWS a domain is served by a regional endpoint that DNS points at; locally the
 * cloud serves `http://<domain>.localhost:<port>` (browsers and the AWS SDK resolve
 * any *.localhost name to the loopback address), and that is the domain's
 * ApiGatewayDomainName. A request on such a host goes to the API whose mapping key is
 * the longest prefix of its path, with the key taken off.
 */
import { badRequest, conflict, notFound } from "./errors.js";
import { newSubId } from "./ids.js";
import { paginate } from "./pagination.js";
import { required, pick } from "./management.js";
import type { ApiGatewayStore } from "./store.js";

type Doc = Record<string, any>;
type Op = (input: Doc) => Doc;

/** All domain documents live under one pseudo API id; mappings under the domain's. */
const DOMAINS = "$domains";
const mappingsOf = (domain: string) => `$domain:${domain}`;

/** A domain name as API Gateway accepts it: lower-case labels, optionally a leading wildcard. */
const DOMAIN_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
/** Mapping keys: path segments of letters, digits and $-_.+!*'(). */
const MAPPING_KEY = /^[A-Za-z0-9$\-_.+!*'()]+(\/[A-Za-z0-9$\-_.+!*'()]+)*$/;

export interface CustomDomainTarget {
  apiId: string;
  stage: string;
  /** The request path with the mapping key taken off ("/" at least). */
  path: string;
}

export class DomainNames {
  readonly operations: Record<string, Op>;

  constructor(private readonly deps: { store: ApiGatewayStore; endpoint: () => string; apiExists: (apiId: string) => boolean }) {
    this.operations = {
      CreateDomainName: (i) => this.createDomainName(i),
      GetDomainName: (i) => this.out(this.domain(required(i, "DomainName"))),
      GetDomainNames: (i) => {
        const page = paginate(this.deps.store.list(DOMAINS, "domain"), i.MaxResults, i.NextToken);
        return { ...page, Items: page.Items.map((d) => this.out(d)) };
      },
      UpdateDomainName: (i) => {
        const d = this.domain(required(i, "DomainName"));
        if (i.DomainNameConfigurations) d.DomainNameConfigurations = this.configurations(d.DomainName, i.DomainNameConfigurations);
        if (i.MutualTlsAuthentication) d.MutualTlsAuthentication = i.MutualTlsAuthentication;
        this.deps.store.update(DOMAINS, "domain", d.DomainName, d);
        return this.out(d);
      },
      DeleteDomainName: (i) => {
        const d = this.domain(required(i, "DomainName"));
        for (const m of this.deps.store.list(mappingsOf(d.DomainName), "apimapping")) this.deps.store.remove(mappingsOf(d.DomainName), "apimapping", m.ApiMappingId);
        this.deps.store.remove(DOMAINS, "domain", d.DomainName);
        return {};
      },
      CreateApiMapping: (i) => this.createApiMapping(i),
      GetApiMapping: (i) => this.mapping(this.domain(required(i, "DomainName")).DomainName, required(i, "ApiMappingId")),
      GetApiMappings: (i) => paginate(this.deps.store.list(mappingsOf(this.domain(required(i, "DomainName")).DomainName), "apimapping"), i.MaxResults, i.NextToken),
      UpdateApiMapping: (i) => {
        const domain = this.domain(required(i, "DomainName")).DomainName;
        const m = this.mapping(domain, required(i, "ApiMappingId"));
        const next = { ...m, ...pick(i, ["ApiId", "Stage", "ApiMappingKey"]) };
        this.checkMapping(domain, next, m.ApiMappingId);
        this.deps.store.update(mappingsOf(domain), "apimapping", m.ApiMappingId, next);
        return next;
      },
      DeleteApiMapping: (i) => {
        const domain = this.domain(required(i, "DomainName")).DomainName;
        this.mapping(domain, required(i, "ApiMappingId"));
        this.deps.store.remove(mappingsOf(domain), "apimapping", i.ApiMappingId);
        return {};
      },
    };
  }

  /** The API a request to `host` (`api.example.com.localhost:4570`) and `path` goes to. */
  resolve(host: string, path: string): CustomDomainTarget | undefined {
    const name = /^(.+)\.localhost(?::\d+)?$/.exec(host.toLowerCase())?.[1];
    if (!name || !this.deps.store.get(DOMAINS, "domain", name)) return undefined;
    const mappings = this.deps.store.list(mappingsOf(name), "apimapping")
      .sort((a, b) => (b.ApiMappingKey ?? "").length - (a.ApiMappingKey ?? "").length);
    for (const m of mappings) {
      const key = m.ApiMappingKey ? `/${m.ApiMappingKey}` : "";
      if (key && path !== key && !path.startsWith(`${key}/`)) continue;
      return { apiId: m.ApiId, stage: m.Stage, path: path.slice(key.length) || "/" };
    }
    return undefined;
  }

  /** The local address a domain answers on: `<domain>.localhost:<port>`. */
  localDomainName(domain: string): string {
    const port = new URL(this.deps.endpoint()).port;
    return `${domain}.localhost${port ? `:${port}` : ""}`;
  }

  private createDomainName(i: Doc): Doc {
    const name = String(required(i, "DomainName")).toLowerCase();
    if (!DOMAIN_NAME.test(name)) throw badRequest(`Invalid domain name identifier specified: ${name}`);
    if (this.deps.store.get(DOMAINS, "domain", name)) throw conflict(`The domain name you provided already exists.`);
    const doc: Doc = {
      DomainName: name,
      ApiMappingSelectionExpression: "$request.basepath",
      DomainNameConfigurations: this.configurations(name, i.DomainNameConfigurations ?? [{}]),
      ...(i.MutualTlsAuthentication ? { MutualTlsAuthentication: i.MutualTlsAuthentication } : {}),
      Tags: i.Tags ?? {},
    };
    this.deps.store.insert(DOMAINS, "domain", name, doc);
    return this.out(doc);
  }

  private configurations(name: string, configs: Doc[]): Doc[] {
    return configs.map((c) => ({
      ...pick(c, ["CertificateArn", "CertificateName", "OwnershipVerificationCertificateArn"]),
      EndpointType: c.EndpointType ?? "REGIONAL",
      SecurityPolicy: c.SecurityPolicy ?? "TLS_1_2",
      DomainNameStatus: "AVAILABLE",
      // Stored as the bare host; the port is added on the way out (it follows the cloud's).
      ApiGatewayDomainName: name,
      HostedZoneId: "ZLOCALAPIGATEWAY",
    }));
  }

  private out(d: Doc): Doc {
    return {
      ...d,
      DomainNameConfigurations: (d.DomainNameConfigurations ?? []).map((c: Doc) => ({ ...c, ApiGatewayDomainName: this.localDomainName(d.DomainName) })),
    };
  }

  private createApiMapping(i: Doc): Doc {
    const domain = this.domain(required(i, "DomainName")).DomainName;
    const m: Doc = { ApiMappingId: newSubId(), ApiId: required(i, "ApiId"), Stage: required(i, "Stage"), ...(i.ApiMappingKey ? { ApiMappingKey: i.ApiMappingKey } : {}) };
    this.checkMapping(domain, m);
    this.deps.store.insert(mappingsOf(domain), "apimapping", m.ApiMappingId, m);
    return m;
  }

  private checkMapping(domain: string, m: Doc, self?: string): void {
    if (!this.deps.apiExists(m.ApiId)) throw notFound("API", m.ApiId);
    if (m.ApiMappingKey !== undefined && !MAPPING_KEY.test(m.ApiMappingKey)) throw badRequest(`Invalid API mapping key specified: ${m.ApiMappingKey}`);
    const clash = this.deps.store.list(mappingsOf(domain), "apimapping")
      .find((x) => x.ApiMappingId !== self && (x.ApiMappingKey ?? "") === (m.ApiMappingKey ?? ""));
    if (clash) throw conflict(`ApiMapping with the same key already exists for domain name ${domain}`);
  }

  private domain(name: string): Doc {
    const d = this.deps.store.get(DOMAINS, "domain", String(name).toLowerCase());
    if (!d) throw notFound("domain name", name);
    return d;
  }

  private mapping(domain: string, id: string): Doc {
    const m = this.deps.store.get(mappingsOf(domain), "apimapping", id);
    if (!m) throw notFound("API mapping", id);
    return m;
  }
}

