/**
 * The environment `sst bind` gives a command: every bindable value the app stored in
 * SSM, named the way SST's runtime clients read them (`SST_{Type}_{prop}_{id}`).
 */
import { fallbackPrefix, parametersByPath } from "./secrets.js";
import type { SsmCall } from "./local-target.js";

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
