/**
 * Shared by every `sst/node/*` client: the bound variables of this function, read
 * once at import, and the Proxy that makes an unbound name fail loudly.
 * Secrets are resolved by `sst/node/config` (the only client with a top-level await,
 * so the others also bundle as CommonJS).
 */
import { parseBindingEnv, groupVariables, FETCH_FROM_SSM, type Variables, type BoundVariable } from "./env.js";
import { fetchSecrets } from "./ssm.js";

const bound: BoundVariable[] = parseBindingEnv(process.env);
let variables: Variables = groupVariables(bound);

/** Replace secret markers with their SSM values (called once by sst/node/config). */
export async function resolveSecrets(): Promise<void> {
  const secrets = bound.filter((v) => v.value === FETCH_FROM_SSM);
  if (secrets.length === 0) return;
  const values = await fetchSecrets(secrets, process.env);
  for (const [v, value] of values) v.value = value;
  variables = groupVariables(bound);
}

/** id → prop → value for one construct type. */
export function getVariables(type: string): Record<string, Record<string, string>> {
  return variables[type] ?? {};
}

/** `Table.X` → X's variables, with "-" in X normalised to "_"; unbound → a clear error. */
export function createProxy<T extends object>(type: string, source: () => Record<string, any> = () => getVariables(type)): T {
  const lookup = (prop: string) => prop.replace(/-/g, "_");
  return new Proxy({} as T, {
    get(_target, prop) {
      if (typeof prop === "symbol") return undefined;
      const values = source();
      if (!(lookup(prop) in values)) {
        throw new Error(`Cannot use ${type}.${prop}. Please make sure it is bound to this function.`);
      }
      return values[lookup(prop)];
    },
    has(_target, prop) {
      return typeof prop === "string" && lookup(prop) in source();
    },
    ownKeys() {
      return Reflect.ownKeys(source());
    },
    getOwnPropertyDescriptor(_target, prop) {
      const values = source();
      if (typeof prop === "string" && prop in values) return { enumerable: true, configurable: true, value: values[prop] };
      return undefined;
    },
  });
}

export { FETCH_FROM_SSM };
