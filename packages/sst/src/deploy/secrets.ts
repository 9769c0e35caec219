/**
 * Secrets as SST v2 stores them in SSM: a SecureString at
 * `{ssmPrefix}Secret/{KEY}/value`, or `/sst/{app}/.fallback/Secret/{KEY}/value` for
 * the fallback every stage without its own value uses.
 */
import type { SsmCall } from "./local-target.js";

export interface SecretScope {
  app: string;
  ssmPrefix: string;
}

/** SSM's limit for a Standard-tier parameter value; longer values need Advanced. */
const STANDARD_TIER_MAX = 4096;

export function fallbackPrefix(app: string): string {
  return `/sst/${app}/.fallback/`;
}

export function secretParameterName(scope: SecretScope, key: string, fallback = false): string {
  return `${fallback ? fallbackPrefix(scope.app) : scope.ssmPrefix}Secret/${key}/value`;
}

/** A secret name becomes part of an env var name and a parameter path: keep it to what both allow. */
export function validateSecretName(key: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key))
    throw new Error(`Invalid secret name "${key}": use letters, digits and underscores, starting with a letter`);
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string; code?: string })?.name ?? (err as { code?: string })?.code;
  return name === "ParameterNotFound";
}

export async function setSecret(ssm: SsmCall, scope: SecretScope, key: string, value: string, fallback = false): Promise<string> {
  validateSecretName(key);
  const name = secretParameterName(scope, key, fallback);
  await ssm("PutParameter", {
    Name: name,
    Value: value,
    Type: "SecureString",
    Overwrite: true,
    Tier: Buffer.byteLength(value) > STANDARD_TIER_MAX ? "Advanced" : "Standard",
  });
  return name;
}

export async function getSecret(ssm: SsmCall, scope: SecretScope, key: string, fallback = false): Promise<string | undefined> {
  try {
    const out = await ssm("GetParameter", { Name: secretParameterName(scope, key, fallback), WithDecryption: true });
    return out?.Parameter?.Value;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Returns false when there was nothing to remove. */
export async function removeSecret(ssm: SsmCall, scope: SecretScope, key: string, fallback = false): Promise<boolean> {
  try {
    await ssm("DeleteParameter", { Name: secretParameterName(scope, key, fallback) });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Every parameter under `path` (recursive, decrypted), following NextToken. */
export async function parametersByPath(ssm: SsmCall, path: string): Promise<{ Name: string; Value: string; Type?: string }[]> {
  const all: { Name: string; Value: string; Type?: string }[] = [];
  let NextToken: string | undefined;
  do {
    const out = await ssm("GetParametersByPath", { Path: path, Recursive: true, WithDecryption: true, NextToken });
    all.push(...(out?.Parameters ?? []));
    NextToken = out?.NextToken;
  } while (NextToken);
  return all;
}

/** Secrets under `{prefix}Secret/` of a path, by key. */
function secretsUnder(params: { Name: string; Value: string }[], prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of params) {
    const m = p.Name.startsWith(`${prefix}Secret/`) ? /^([^/]+)\/value$/.exec(p.Name.slice(`${prefix}Secret/`.length)) : null;
    if (m) out.set(m[1], p.Value);
  }
  return out;
}

export interface SecretEntry {
  value?: string;
  fallback?: string;
}

/** All secrets of the stage and the app's fallbacks, by key. */
export async function listSecrets(ssm: SsmCall, scope: SecretScope): Promise<Record<string, SecretEntry>> {
  const stagePath = `${scope.ssmPrefix}Secret/`;
  const fbPrefix = fallbackPrefix(scope.app);
  const [own, fb] = await Promise.all([parametersByPath(ssm, stagePath.replace(/\/$/, "")), parametersByPath(ssm, `${fbPrefix}Secret`)]);
  const result: Record<string, SecretEntry> = {};
  for (const [k, v] of secretsUnder(own, scope.ssmPrefix)) result[k] = { ...result[k], value: v };
  for (const [k, v] of secretsUnder(fb, fbPrefix)) result[k] = { ...result[k], fallback: v };
  return result;
}

/**
 * Parses a dotenv file: KEY=VALUE lines, `export ` prefixes, # comments, single or
 * double quotes (double-quoted values understand \n), values may contain "=".
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`Line ${index + 1}: expected KEY=VALUE, got "${raw}"`);
    let value = m[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote));
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, "").trim();
    }
    out[m[1]] = value;
  });
  return out;
}
