/**
 * What every frontend construct (StaticSite and the SSR sites) shares: its props,
 * path and environment validation, SST v2's dev-mode behaviour, and its binding.
 *
 * Under `sst dev` a site is neither built nor deployed (unless `dev.deploy`) — the
 * developer runs the framework's own dev server through `sst bind` — so the construct
 * only records where the site lives and the environment it wants. `sst build` and
 * `sst deploy` build and deploy it (StaticSite.ts, SsrSite.ts).
 *
 * How `sst bind` gets the site's environment with tokens (e.g. `api.url`) resolved:
 * SST v2 writes it into stack metadata that `sst bind` reads after deploy. Here the
 * construct writes one String SSM parameter, `{ssmPrefix}{Type}/{id}/site/dev`, whose
 * value is the JSON `{ "path": "<path relative to the app>", "environment": {...},
 * "server": "<function ARN>" }` (server: the SSR sites' placeholder server function,
 * whose environment and role `sst bind` gives the dev server, as in SST v2).
 * CloudFormation resolves the tokens inside it at deploy time (the JSON is an
 * Fn::Join), and the four-part name keeps it out of the `SST_*` variables that
 * `{Type}/{id}/{prop}` parameters become. One JSON value (not one parameter per
 * variable) because SSM cannot store empty strings, which are valid env values.
 */
import fs from "node:fs";
import path from "node:path";
import * as cdk from "aws-cdk-lib";
import * as ssm from "aws-cdk-lib/aws-ssm";
import { Construct } from "constructs";
import { App } from "./App.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import type { BindingResource, Permissions } from "./util/permission.js";
import type { Distribution } from "./Distribution.js";
import { urlBinding } from "./util/url-binding.js";

export interface SiteDevProps {
  /** Deploy the site under `sst dev` too (built and served by the local CDN like `sst deploy`). Default false. */
  deploy?: boolean;
  /** The URL the site's local dev server answers on; what its binding holds in dev. Default "localhost". */
  url?: string;
}

export interface SiteDomainProps {
  domainName: string;
  domainAlias?: string;
  hostedZone?: string;
  alternateNames?: string[];
  isExternalDomain?: boolean;
  cdk?: Record<string, unknown>;
}

/** Props every site takes (SST v2's names). */
export interface BaseSiteProps {
  /** The site's folder, relative to the app's root. */
  path?: string;
  /** Environment variables for the site's build and `sst bind`; values may be tokens like `api.url`. */
  environment?: Record<string, string>;
  customDomain?: string | SiteDomainProps;
  dev?: SiteDevProps;
  /** Raw CDK overrides for the deployed site. */
  cdk?: Record<string, any>;
}

/** The name of the parameter holding a site's dev metadata. */
export function siteDevParameterName(ssmPrefix: string, type: string, id: string): string {
  return `${ssmPrefix}${type}/${id}/site/dev`;
}

export abstract class BaseSite extends Construct implements SSTConstruct {
  readonly id: string;
  abstract readonly constructType: string;
  /** The site's folder as given (relative to the app's root). */
  readonly path: string;
  readonly environment: Record<string, string>;
  /** True when nothing is built or deployed for the site (`sst dev` without `dev.deploy`, `sst remove`). */
  readonly doNotDeploy: boolean;
  protected readonly props: BaseSiteProps;
  /** `StaticSite "Web"`, for messages. */
  protected readonly owner: string;
  /** The site's folder, absolute. */
  protected readonly sitePath: string;
  /** The site's CDN, once deployed. */
  protected cdn?: Distribution;
  private readonly boundResources: BindingResource[] = [];
  private readonly attachedPermissions: Permissions[] = [];

  protected constructor(scope: Construct, id: string, props: BaseSiteProps, type: string, defaultPath?: string) {
    // SST v2: cdk.id overrides the construct id (keeping logical ids across renames).
    super(scope, (props?.cdk?.id as string | undefined) || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.props = props ?? {};
    this.owner = `${type} "${id}"`;
    const app = App.of(this);
    const sitePath = this.props.path ?? defaultPath;
    if (typeof sitePath !== "string" || !sitePath) throw new Error(`${type} "${id}": missing "path" (the site's folder, relative to the app)`);
    this.path = sitePath;
    this.sitePath = path.resolve(app.appPath, sitePath);
    this.environment = validateEnvironment(type, id, this.props.environment);
    // As SST v2: not built in remove mode, nor in a stack `sst deploy <filter>` leaves out
    // (Stack.isActive), nor under `sst dev` unless `dev.deploy`.
    const stackIsActive = (cdk.Stack.of(this) as { isActive?: boolean }).isActive !== false;
    this.doNotDeploy = app.mode === "remove" || !stackIsActive || (app.mode === "dev" && !this.props.dev?.deploy);

    // `sst remove` must work even after the site's folder is gone.
    if (app.mode !== "remove") validateSitePath(type, id, app.appPath, sitePath);
    if (app.mode === "dev") this.writeDevMetadata(app, type, sitePath);
  }

  /** The site's URL: the dev server's (`dev.url`) when not deployed, else the CDN's. */
  get url(): string | undefined {
    return this.doNotDeploy ? this.props.dev?.url : this.deployedUrl();
  }

  /**
   * `https://{customDomain}` when deployed with one (SST v2), else undefined — also on
   * the local cloud, which serves the site on its CDN URL only (`url`).
   */
  get customDomainUrl(): string | undefined {
    const d = this.props.customDomain;
    if (this.doNotDeploy || !d || this.cdn?.servesCustomDomain === false) return undefined;
    return `https://${typeof d === "string" ? d : d.domainName}`;
  }

  /** The ARN of the function whose environment and role `sst bind` uses under `sst dev`, if any. */
  protected devServerFunctionArn(): string | undefined {
    return undefined;
  }

  /** The deployed URL: the CDN's. */
  protected deployedUrl(): string | undefined {
    return this.cdn?.url;
  }

  /** The resources bound to the site; in dev their `SST_*` values reach the site through `sst bind`. */
  get boundTo(): readonly BindingResource[] {
    return this.boundResources;
  }

  bind(constructs: BindingResource[]): void {
    this.boundResources.push(...constructs);
  }

  attachPermissions(permissions: Permissions): void {
    this.attachedPermissions.push(permissions);
  }

  getConstructMetadata() {
    return {
      type: this.constructType,
      data: {
        mode: this.doNotDeploy ? ("placeholder" as const) : ("deployed" as const),
        path: this.path,
        environment: this.environment,
        customDomainUrl: this.customDomainUrl,
        url: this.url,
      },
    };
  }

  /**
   * @internal Bindable as `SST_{Type}_url_{id}`. Not deployed: the dev server's URL
   * (SST v2: dev.url ?? "localhost"). Deployed: the site's URL through SSM, so a bound
   * function does not depend on the site's stack (which often depends on the API's).
   */
  getBindings(): BindingProps {
    return urlBinding(this, "site", { doNotDeploy: this.doNotDeploy, devUrl: this.props.dev?.url, deployedUrl: this.customDomainUrl || this.url });
  }

  private writeDevMetadata(app: App, type: string, sitePath: string): void {
    writeDevMetadataParameter(this, type, this.id, {
      path: sitePath,
      environment: this.environment,
      // Known once the subclass has made its placeholder function ("" for StaticSite).
      server: () => this.devServerFunctionArn(),
    });
  }
}

/** What a construct run outside the cloud under `sst dev` (a site's dev server, a Service's process) records for `sst bind` and `sst dev`. */
export interface DevMetadataProps {
  /** Its folder, as given (relative to the app's root). */
  path: string;
  environment: Record<string, string>;
  /** The ARN of the placeholder function whose environment and role it runs with, once known. */
  server: () => string | undefined;
  /** A Service's local process: what `sst dev` runs, where, and the URL it answers on. */
  service?: { command: string; directory: string; url?: string };
}

/**
 * Writes `{ssmPrefix}{Type}/{id}/site/dev` (see the top of this file) under `scope`.
 * Shared by the sites and Service, so `sst bind` in a service's folder works as in a
 * site's, and `sst dev` finds the services it runs.
 */
export function writeDevMetadataParameter(scope: Construct, type: string, id: string, props: DevMetadataProps): void {
  const app = App.of(scope);
  const relative = (p: string) => path.relative(app.appPath, path.resolve(app.appPath, p)).split(path.sep).join("/") || ".";
  new ssm.StringParameter(scope, "DevMetadata", {
    parameterName: siteDevParameterName(app.ssmPrefix, type, id),
    // toJsonString turns tokens inside into an Fn::Join that CloudFormation resolves.
    stringValue: cdk.Stack.of(scope).toJsonString({
      path: relative(props.path),
      environment: props.environment,
      server: cdk.Lazy.string({ produce: () => props.server() ?? "" }),
      ...(props.service ? { service: { ...props.service, directory: relative(props.service.directory) } } : {}),
    }),
  });
}

function validateEnvironment(type: string, id: string, env: unknown): Record<string, string> {
  if (env === undefined) return {};
  if (!env || typeof env !== "object" || Array.isArray(env)) throw new Error(`${type} "${id}": "environment" must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`${type} "${id}": invalid environment variable name "${key}"`);
    if (typeof value !== "string") throw new Error(`${type} "${id}": environment variable "${key}" must be a string, got ${typeof value}`);
    out[key] = value;
  }
  return out;
}

function validateSitePath(type: string, id: string, appRoot: string, sitePath: string): void {
  const abs = path.resolve(appRoot, sitePath);
  let isDir = false;
  try {
    isDir = fs.statSync(abs).isDirectory();
  } catch {
    // SST v2's sentences: StaticSite's, and the SSR sites' (SsrSite).
    throw new Error(type === "StaticSite" ? `${type} "${id}": No path found at "${abs}" for the "${id}" ${type}.` : `${type} "${id}": No site found at "${abs}"`);
  }
  if (!isDir) throw new Error(`${type} "${id}": path "${sitePath}" is not a directory (${abs})`);
}
