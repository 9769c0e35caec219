/**
 * Where a user pool domain answers locally: `http://<prefix>.auth.<region>.localhost:<port>`,
 * AWS's `https://<prefix>.auth.<region>.amazoncognito.com` with `.localhost` for
 * `.amazoncognito.com` (browsers, and clients given a loopback lookup, reach any
 * `*.localhost` name on 127.0.0.1). Custom domains (`CustomDomainConfig`) are recorded only.
 */

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
