/**
 * Where a user pool domain answers locally: `http://<prefix>.auth.<region>.localhost:<port>`,
 * AWS's `https://<prefix>.auth.<region>.amazoncognito.com` with `.localhost` for
 * `.amazoncognito.com` (browsers, and clients given a loopback lookup, reach any
 * `*.localhost` name on 127.0.0.1). Custom domains (`CustomDomainConfig`) are recorded only.
 */

import type { Directory } from "../directory.js";

const HOST = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.auth\.([a-z]{2}(?:-[a-z]+)+-\d)\.localhost(?::\d+)?$/;

/** The domain prefix a request's Host names, if it is a user pool domain's local host. */
export function domainPrefixOfHost(host: string): string | undefined {
  return HOST.exec(host.toLowerCase())?.[1];
}

/** A domain's local base URL, on the local cloud's port. */
export function localDomainUrl(prefix: string, region: string, port: number | string | undefined): string {
  return `http://${prefix}.auth.${region}.localhost${port ? `:${port}` : ""}`;
}

/** The base URL of the domain a request came in on (its own Host). */
export function domainBaseUrl(host: string): string {
  return `http://${host}`;
}

/** Every user pool domain with its local URL (custom domains are recorded only, not served). */
export function localDomains(dir: Directory): { userPoolId: string; domain: string; url: string }[] {
  const rows = dir.store.db.prepare("SELECT domain, pool_id, description FROM domains ORDER BY domain").all() as { domain: string; pool_id: string; description: string }[];
  const port = new URL(dir.kernel.endpoint).port;
  return rows.filter((r) => !JSON.parse(r.description).CustomDomainConfig).map((r) => ({ userPoolId: r.pool_id, domain: r.domain, url: localDomainUrl(r.domain, dir.region, port) }));
}
