/**
 * Secrets bound to a function are fetched from SSM at cold start: GetParameters
 * (WithDecryption, ten names a call) under `{SST_SSM_PREFIX}{Type}/{id}/{prop}`, then
 * the missing ones under `/sst/{app}/.fallback/`.
 */
import type { BoundVariable } from "./env.js";

type GetParameters = (names: string[]) => Promise<{ Name?: string; Value?: string }[]>;

async function defaultGetParameters(): Promise<GetParameters> {
  const { SSMClient, GetParametersCommand } = await import("@aws-sdk/client-ssm");
  const client = new SSMClient({});
  return async (names) => {
    const r = await client.send(new GetParametersCommand({ Names: names, WithDecryption: true }));
    return r.Parameters ?? [];
  };
}

export function ssmName(prefix: string, v: Pick<BoundVariable, "type" | "id" | "prop">): string {
  return `${prefix}${v.type}/${v.id}/${v.prop}`;
}

async function fetchAll(get: GetParameters, names: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < names.length; i += 10) {
    for (const p of await get(names.slice(i, i + 10))) {
      if (p.Name !== undefined && p.Value !== undefined) found.set(p.Name, p.Value);
    }
  }
  return found;
}

/** Resolve the given secret variables; throws naming every missing one. */
export async function fetchSecrets(
  vars: BoundVariable[],
  env: Record<string, string | undefined>,
  getParameters?: GetParameters,
): Promise<Map<BoundVariable, string>> {
  const result = new Map<BoundVariable, string>();
  if (vars.length === 0) return result;
  const prefix = env.SST_SSM_PREFIX ?? `/sst/${env.SST_APP}/${env.SST_STAGE}/`;
  const fallback = `/sst/${env.SST_APP}/.fallback/`;
  const get = getParameters ?? (await defaultGetParameters());
  const first = await fetchAll(get, vars.map((v) => ssmName(prefix, v)));
  const missing: BoundVariable[] = [];
  for (const v of vars) {
    const value = first.get(ssmName(prefix, v));
    if (value !== undefined) result.set(v, value);
    else missing.push(v);
  }
  if (missing.length > 0) {
    const second = await fetchAll(get, missing.map((v) => ssmName(fallback, v)));
    const still: BoundVariable[] = [];
    for (const v of missing) {
      const value = second.get(ssmName(fallback, v));
      if (value !== undefined) result.set(v, value);
      else still.push(v);
    }
    if (still.length > 0) {
      throw new Error(`The following secret values are not set in the "${env.SST_STAGE}" stage: ${still.map((v) => v.id).join(", ")}`);
    }
  }
  return result;
}
