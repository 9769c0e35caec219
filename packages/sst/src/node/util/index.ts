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
  for (const [v, value] of Array.from(values)) v.value = value;
  variables = groupVariables(bound);
}

/** id → prop → value for one construct type. */
export function getVariables(type: string): Record<string, Record<string, string>> {
  return variables[type] ?? {};
}

/** SST v2's name for `getVariables`, which runtime modules built on it import. */
export const getVariables2 = getVariables;

/**
 * `Table.X` → X's variables, with "-" in X normalised to "_"; unbound → a clear error.
 * `extra` holds values set on the proxy itself (e.g. `Job.X` controls), consulted first.
 */
export function createProxy<T extends object>(type: string, source: () => Record<string, any> = () => getVariables(type)): T {
  const lookup = (prop: string) => prop.replace(/-/g, "_");
  return new Proxy({} as T, {
    get(target, prop) {
      if (typeof prop === "symbol") return Reflect.get(target, prop);
      // Checked on access, not at import: site builds import this code before any binding exists.
      if (!process.env.SST_APP) throw new Error(missingBuiltInEnvError());
      if (Object.prototype.hasOwnProperty.call(target, lookup(prop))) return Reflect.get(target, lookup(prop));
      const values = source();
      if (!(lookup(prop) in values)) {
        throw new Error(`Cannot use ${type}.${prop}. Please make sure it is bound to this function.`);
      }
      return values[lookup(prop)];
    },
    has(target, prop) {
      return typeof prop === "string" && (lookup(prop) in target || lookup(prop) in source());
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

/** Why bound values are missing, by where the code runs (SST v2's three cases). */
function missingBuiltInEnvError(): string {
  if (process.env.SST) {
    return [
      "",
      `Cannot access bound resources. This usually happens if the "sst/node" package is used at build time. For example:`,
      "",
      `  - The "sst/node" package is used inside the "getStaticProps()" function of a Next.js app.`,
      `  - The "sst/node" package is used at the top level outside of the "load()" function of a SvelteKit app.`,
      "",
      `Please wrap your build script with "sst bind". For example, "sst bind next build".`,
      "",
    ].join("\n");
  }
  if (process.env.AWS_LAMBDA_FUNCTION_NAME || process.env.CODEBUILD_BUILD_ARN) {
    return "Cannot access bound resources. This usually happens if you are using an older version of SST. Please update SST to the latest version.";
  }
  return `Cannot access bound resources. This usually happens if the "sst/node" package is used on the client-side. Ensure that it's only called in your server functions.`;
}

export { FETCH_FROM_SSM };
