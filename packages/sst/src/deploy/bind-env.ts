/**
 * The environment `sst bind` gives a command: every bindable value the app stored in
 * SSM, named the way SST's runtime clients read them (`SST_{Type}_{prop}_{id}`), plus —
 * when run inside a site's folder — that site's own environment.
 */
import fs from "node:fs";
import path from "node:path";
import { fallbackPrefix, parametersByPath } from "./secrets.js";
import type { SsmCall } from "./local-target.js";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";

/** `{prefix}{Type}/{id}/{prop}` → `SST_{Type}_{prop}_{id}` (with "-" in the id turned into "_"), or undefined for other names. */
export function envNameForParameter(name: string, prefix: string): string | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const parts = name.slice(prefix.length).split("/");
  if (parts.length !== 3 || parts.some((p) => !p)) return undefined;
  const [type, id, prop] = parts;
  return `SST_${type}_${prop}_${id.replace(/-/g, "_")}`;
}

export async function bindEnvironment(
  ssm: SsmCall,
  scope: { app: string; stage: string; ssmPrefix: string },
): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    SST_APP: scope.app,
    SST_STAGE: scope.stage,
    SST_SSM_PREFIX: scope.ssmPrefix,
  };
  // Fallback secrets first, so a stage's own value wins.
  const fbPrefix = fallbackPrefix(scope.app);
  for (const p of await parametersByPath(ssm, `${fbPrefix}Secret`)) {
    const key = envNameForParameter(p.Name, fbPrefix);
    if (key) env[key] = p.Value;
  }
  for (const p of await parametersByPath(ssm, scope.ssmPrefix.replace(/\/$/, "") || "/")) {
    const key = envNameForParameter(p.Name, scope.ssmPrefix);
    if (key) env[key] = p.Value;
  }
  return env;
}

/** A site's dev metadata as its construct wrote it (see constructs/BaseSite.ts). */
export interface SiteDevMetadata {
  type: string;
  id: string;
  /** The site's folder relative to the app's root. */
  path: string;
  /** Its environment, tokens resolved by the deploy. */
  environment: Record<string, string>;
  /** An SSR site's placeholder server function (ARN), whose environment and role the dev server gets. */
  server?: string;
  /** A Service's local process (`dev.command`), which `sst dev` runs; directory relative to the app's root. */
  service?: { command: string; directory: string; url?: string };
}

/** `{prefix}{Type}/{id}/site/dev` → the site it describes, or undefined for other names or bad JSON. */
export function parseSiteParameter(name: string, value: string, prefix: string): SiteDevMetadata | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const m = /^([^/]+)\/([^/]+)\/site\/dev$/.exec(name.slice(prefix.length));
  if (!m) return undefined;
  try {
    const data = JSON.parse(value);
    if (typeof data?.path !== "string") return undefined;
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries(data.environment ?? {})) if (typeof v === "string") environment[k] = v;
    const server = typeof data.server === "string" && data.server ? data.server : undefined;
    const sv = data.service;
    const service = sv && typeof sv.command === "string" && typeof sv.directory === "string"
      ? { command: sv.command, directory: sv.directory, ...(typeof sv.url === "string" ? { url: sv.url } : {}) }
      : undefined;
    return { type: m[1], id: m[2], path: data.path, environment, ...(server ? { server } : {}), ...(service ? { service } : {}) };
  } catch {
    return undefined;
  }
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The site whose folder holds `cwd` (the deepest one when sites nest, e.g. a site at
 * "." and one at "packages/web"), among the sites the app's last deploy recorded.
 * SST v2's `sst bind` does the same to give a frontend's dev server its environment.
 */
export async function siteForDirectory(
  ssm: SsmCall,
  scope: { ssmPrefix: string },
  appRoot: string,
  cwd: string,
): Promise<SiteDevMetadata | undefined> {
  const here = realpath(cwd);
  let best: { site: SiteDevMetadata; depth: number } | undefined;
  for (const p of await parametersByPath(ssm, scope.ssmPrefix.replace(/\/$/, "") || "/")) {
    const site = parseSiteParameter(p.Name, p.Value, scope.ssmPrefix);
    if (!site) continue;
    const dir = realpath(path.resolve(appRoot, site.path));
    const rel = path.relative(dir, here);
    const inside = rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
    if (inside && (!best || dir.length > best.depth)) best = { site, depth: dir.length };
  }
  return best?.site;
}

/**
 * What an SSR site's dev server runs with, as SST v2's `sst bind` gives it: the
 * environment of the site's placeholder server function (its bindings and the site's
 * environment) and credentials of that function's role, so the dev server may do what
 * the deployed server may — and a missing `bind` fails locally with AccessDenied.
 */
export async function siteServerEnvironment(
  clientConfig: { region: string; endpoint?: string; credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider },
  functionArn: string,
): Promise<{ environment: Record<string, string>; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string } }> {
  const [{ LambdaClient, GetFunctionConfigurationCommand }, { STSClient, AssumeRoleCommand }] = await Promise.all([
    import("@aws-sdk/client-lambda"),
    import("@aws-sdk/client-sts"),
  ]);
  const config = { ...clientConfig, maxAttempts: 1 };
  const lambda = new LambdaClient(config);
  const sts = new STSClient(config);
  try {
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
    if (!fn.Role) throw new Error(`The site's server function ${functionArn} has no role`);
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: fn.Role, RoleSessionName: "sst-bind", DurationSeconds: 12 * 3600 }));
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`Could not assume ${fn.Role}`);
    return {
      environment: { ...(fn.Environment?.Variables ?? {}) },
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    };
  } finally {
    lambda.destroy();
    sts.destroy();
  }
}
