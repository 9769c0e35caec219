/**
 * The Services `sst dev` runs on this machine: those whose last deploy recorded a
 * `dev.command` (their dev metadata parameter, constructs/BaseSite.ts), each with the
 * environment `sst bind` would give a command in the service's folder — the service's
 * placeholder function's environment (SST_APP, SST_STAGE, the bound `SST_*` values, its
 * `environment`) and credentials of that function's role, so the process may do what
 * the deployed service may (and the local cloud refuses what was not bound). The stage
 * is on the local cloud or, with `sst dev --aws`, on AWS (ServiceTarget).
 */
import path from "node:path";
import { parametersByPath } from "../deploy/secrets.js";
import { parseSiteParameter, siteServerEnvironment } from "../deploy/bind-env.js";
import { ADMIN_CREDENTIALS } from "../deploy/credentials.js";
import type { SsmCall } from "../deploy/local-target.js";

export interface LocalServiceSpec {
  /** The Service's id. */
  id: string;
  command: string;
  /** Absolute. */
  directory: string;
  url?: string;
  /** The variables the process gets on top of the dev process's own. */
  environment: Record<string, string>;
  /** What decides whether a running process is still right: all but the credentials (new on every look-up). */
  fingerprint: string;
}

export interface LocalCloudAddress {
  endpoint: string;
  region: string;
}

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
type ServerEnvironment = typeof siteServerEnvironment;

/** Where the stage lives: how to look up the placeholder functions, and what points a process there. */
export interface ServiceTarget {
  /** AWS SDK settings for the Lambda and STS look-ups (the developer's on AWS, the admin's locally). */
  clientConfig: Parameters<ServerEnvironment>[0];
  /** The AWS_* (and SST_TARGET) variables of a process acting with `credentials` (none: the target's default). */
  childEnvironment(credentials?: Credentials): Record<string, string>;
}

/** The AWS_* variables that point a child process at the local cloud with the given credentials. */
export function localCloudEnvironment(cloud: LocalCloudAddress, credentials: Credentials): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: cloud.endpoint,
    AWS_REGION: cloud.region,
    AWS_DEFAULT_REGION: cloud.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    // sst commands the process runs act on the local cloud too (see cli/bind.ts).
    SST_TARGET: "local",
  };
}

export function localCloudTarget(cloud: LocalCloudAddress): ServiceTarget {
  return {
    clientConfig: { region: cloud.region, endpoint: cloud.endpoint, credentials: ADMIN_CREDENTIALS },
    childEnvironment: (credentials) => localCloudEnvironment(cloud, credentials ?? ADMIN_CREDENTIALS),
  };
}

/** A stage on AWS (`sst dev --aws`): the process acts on AWS with the role's credentials. */
export function awsTarget(clientConfig: ServiceTarget["clientConfig"] & { region: string; endpoint?: string }): ServiceTarget {
  return {
    clientConfig,
    // Without a role (no placeholder function recorded) the process keeps the developer's own credentials.
    childEnvironment: (c) => ({
      ...(clientConfig.endpoint ? { AWS_ENDPOINT_URL: clientConfig.endpoint } : {}),
      AWS_REGION: clientConfig.region,
      AWS_DEFAULT_REGION: clientConfig.region,
      ...(c ? { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey } : {}),
      ...(c?.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}),
      SST_TARGET: "aws",
    }),
  };
}

export async function localServiceSpecs(
  ssm: SsmCall,
  scope: { ssmPrefix: string; appRoot: string },
  target: ServiceTarget,
  serverEnvironment: ServerEnvironment = siteServerEnvironment,
): Promise<LocalServiceSpec[]> {
  const specs: LocalServiceSpec[] = [];
  for (const p of await parametersByPath(ssm, scope.ssmPrefix.replace(/\/$/, "") || "/")) {
    const meta = parseSiteParameter(p.Name, p.Value, scope.ssmPrefix);
    if (meta?.type !== "Service" || !meta.service) continue;
    const server = meta.server ? await serverEnvironment(target.clientConfig, meta.server) : undefined;
    const own = { ...server?.environment, ...meta.environment };
    const directory = path.resolve(scope.appRoot, meta.service.directory);
    specs.push({
      id: meta.id,
      command: meta.service.command,
      directory,
      url: meta.service.url,
      environment: { ...own, ...target.childEnvironment(server?.credentials) },
      fingerprint: JSON.stringify([meta.service.command, directory, own, meta.server ?? ""]),
    });
  }
  return specs;
}
