/**
 * What the Auth construct binds to a function: `SST_Auth_prefix_{id}` (plain) and
 * `SST_Auth_publicKey_{id}` / `SST_Auth_privateKey_{id}`, whose values the construct's
 * custom resource keeps in SSM. They are fetched at cold start (top-level await), so
 * signing and verifying stay synchronous, as SST v2's `Session` API is.
 *
 * Each function belongs to at most one Auth construct (one Api takes one Auth), so the
 * first bound Auth is the one.
 */
import { parseBindingEnv, FETCH_FROM_SSM, type BoundVariable } from "../util/env.js";
import { fetchSecrets, ssmName } from "../util/ssm.js";

export interface AuthBinding {
  /** The Auth construct's id. */
  id: string;
  prefix?: string;
  publicKey?: string;
  privateKey?: string;
}

/** The Auth values bound in `env`, secrets resolved through `fetch` (SSM by default). */
export async function loadAuthBinding(
  env: Record<string, string | undefined>,
  fetch: typeof fetchSecrets = fetchSecrets,
): Promise<AuthBinding | undefined> {
  const vars = parseBindingEnv(env).filter((v) => v.type === "Auth");
  if (vars.length === 0) return undefined;
  const id = vars[0].id;
  const mine = vars.filter((v) => v.id === id);
  const secrets = mine.filter((v) => v.value === FETCH_FROM_SSM);
  const values = new Map<BoundVariable, string>(mine.map((v) => [v, v.value]));
  if (secrets.length > 0) {
    let fetched: Map<BoundVariable, string>;
    try {
      fetched = await fetch(secrets, env);
    } catch (e) {
      const prefix = env.SST_SSM_PREFIX ?? `/sst/${env.SST_APP}/${env.SST_STAGE}/`;
      const names = secrets.map((v) => ssmName(prefix, v)).join(", ");
      throw new Error(
        `sst/node/auth: cannot read the signing keys of the Auth construct "${id}" from SSM (${names}): ` +
          `${(e as Error).message}. The keys are created when the stack holding the Auth construct deploys.`,
      );
    }
    for (const [v, value] of fetched) values.set(v, value);
  }
  const out: AuthBinding = { id };
  for (const [v, value] of values) {
    if (v.prop === "prefix" || v.prop === "publicKey" || v.prop === "privateKey") out[v.prop] = value;
  }
  return out;
}

let binding: AuthBinding | undefined = await loadAuthBinding(process.env);

function bound(prop: "prefix" | "publicKey" | "privateKey"): string {
  const value = binding?.[prop];
  if (!value) throw new Error(`Cannot use Auth.${prop}. Please make sure it is bound to this function.`);
  return value;
}

/** The PEM public key sessions are verified with. */
export function getPublicKey(): string {
  return bound("publicKey");
}

/** The PEM private key sessions and links are signed with (only the authenticator has it). */
export function getPrivateKey(): string {
  return bound("privateKey");
}

/** Where the auth routes are mounted on the Api, e.g. "/auth". */
export function getPrefix(): string {
  return bound("prefix");
}

/** Replace the bound values (tests run several configurations in one process). @internal */
export function setAuthBinding(next: AuthBinding | undefined): void {
  binding = next;
}

/** id → bound values, for the `Auth.<id>` proxy (the private key stays out of it). */
export function authResources(): Record<string, Record<string, string>> {
  if (!binding) return {};
  const { id, privateKey: _private, ...values } = binding;
  return { [id.replace(/-/g, "_")]: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, string> };
}
