/**
 * A stage's own throttling (its MethodSettings: what CDK's `deployOptions.throttlingRateLimit`
 * / `methodOptions` write). The every-method entry (ResourcePath "/*", HttpMethod "*") is
 * the default of each method, not a limit the methods share; a method's own entry
 * (ResourcePath "/~1users~1{id}", as CloudFormation encodes "/users/{id}") replaces it.
 * A request past the limit gets 429 "Too Many Requests", as on AWS. The account-wide
 * limits AWS applies without being asked are not imposed here.
 */
import { TokenBuckets, type Throttle } from "./token-buckets.js";

type Doc = Record<string, any>;

/** CloudFormation's encoded ResourcePath as the resource's path: "/~1users~1{id}" → "/users/{id}". */
export function decodeResourcePath(path: string): string {
  // the first slash stands for itself; the encoded ones follow it ("/" alone is the root)
  return path === "/*" ? path : path.slice(1).replace(/~1/g, "/") || "/";
}

function throttleOf(setting: Doc | undefined): Throttle | undefined {
  if (!setting || (setting.ThrottlingBurstLimit === undefined && setting.ThrottlingRateLimit === undefined)) return undefined;
  const n = (v: unknown) => (v === undefined ? undefined : Number(v));
  return { BurstLimit: n(setting.ThrottlingBurstLimit), RateLimit: n(setting.ThrottlingRateLimit) };
}

export class StageThrottle {
  private readonly buckets = new TokenBuckets();

  /** False when the stage's settings throttle this request to the method at `resourcePath`. */
  admits(apiId: string, stage: Doc, resourcePath: string, httpMethod: string, now = Date.now()): boolean {
    const settings: Doc[] | undefined = stage.MethodSettings;
    if (!settings?.length) return true;
    const own = settings.find((m) => m.HttpMethod === httpMethod && decodeResourcePath(String(m.ResourcePath ?? "")) === resourcePath);
    const throttle = throttleOf(own) ?? throttleOf(settings.find((m) => (m.ResourcePath ?? "/*") === "/*" && (m.HttpMethod ?? "*") === "*"));
    if (!throttle) return true;
    return this.buckets.take(`${apiId}/${stage.StageName}/${httpMethod} ${resourcePath}`, throttle, now);
  }
}
