/**
 * The one internal interface every bindable construct implements (SST v2's
 * `SSTConstruct.getBindings`), and what `bind` derives from it: the function's
 * environment variables, its IAM statements and the SSM parameters the app writes.
 */
import type { Construct, IConstruct } from "constructs";
import * as iam from "aws-cdk-lib/aws-iam";

/**
 * One bound value. "plain": the value itself, in the environment and in SSM.
 * "secret": set out of band (`sst secrets set`); the environment holds a marker and no
 * parameter is written. "secret_reference": points at a Secret; environment and SSM
 * hold `__FETCH_FROM_SECRET__:<name>`. "site_url": the value goes to SSM, the
 * environment holds the marker. "auth_id": written to the `AUTH_ID` variable.
 */
export type BindingVariable =
  | { type: "plain"; value?: string }
  | { type: "secret"; value?: undefined }
  | { type: "secret_reference"; secret: SSTConstruct & { name: string }; value?: undefined }
  | { type: "site_url"; value: string }
  | { type: "auth_id"; value: string };

export interface BindingProps {
  /** SST runtime client package: "table", "bucket", "config" … */
  clientPackage: string;
  variables: Record<string, BindingVariable>;
  /** IAM action → resources. Never "*" on "*". */
  permissions: Record<string, string[]>;
}

export const SST_CONSTRUCT = Symbol.for("sst.SSTConstruct");

export interface SSTConstruct extends Construct {
  /** Type name used in env names and SSM paths, e.g. "Table" (SST v2: the class name). */
  readonly constructType: string;
  /** Logical id used in env names and SSM paths. */
  readonly id: string;
  getBindings(): BindingProps | undefined;
  getConstructMetadata?(): { type: string; data: Record<string, unknown>; local?: Record<string, unknown> };
  /** Constructs SST creates from definitions (route functions, consumers) are not bindable by others. */
  readonly _doNotAllowOthersToBind?: boolean;
}

/** SST v2's bind forms: an SST construct, or one with the statements to grant instead of its own. */
export type BindingResource =
  | SSTConstruct
  | IConstruct
  | { resource: SSTConstruct; permissions: { actions: string[]; resources: string[] }[] };

export function isSSTConstruct(c: unknown): c is SSTConstruct {
  return !!c && typeof c === "object" && (c as any)[SST_CONSTRUCT] === true;
}

/** The construct of a binding in either form, or undefined when it is not an SST construct. */
export function boundConstruct(r: unknown): SSTConstruct | undefined {
  if (isSSTConstruct(r)) return r;
  if (r && typeof r === "object" && "resource" in r && isSSTConstruct((r as any).resource)) return (r as any).resource;
  return undefined;
}

/** `SST_{Type}_{prop}_{id}` with "-" in the id turned into "_". */
export function bindingEnvName(type: string, prop: string, id: string): string {
  return `SST_${type}_${prop}_${id.replace(/-/g, "_")}`;
}

export const FETCH_FROM_SSM = "__FETCH_FROM_SSM__";
export const FETCH_FROM_SECRET = "__FETCH_FROM_SECRET__:";

export function bindingEnvironment(r: BindingResource): Record<string, string> {
  const c = boundConstruct(r);
  const b = c?.getBindings();
  if (!c || !b) return {};
  const env: Record<string, string> = {};
  for (const [prop, v] of Object.entries(b.variables)) {
    const name = bindingEnvName(c.constructType, prop, c.id);
    if (v.type === "plain") env[name] = v.value ?? "";
    else if (v.type === "secret" || v.type === "site_url") env[name] = FETCH_FROM_SSM;
    else if (v.type === "secret_reference") env[name] = FETCH_FROM_SECRET + v.secret.name;
    else if (v.type === "auth_id") env.AUTH_ID = v.value;
  }
  return env;
}

/** The statements a binding grants: the construct's own, or the `{ resource, permissions }` form's. */
export function bindingStatements(r: BindingResource): iam.PolicyStatement[] {
  if (!isSSTConstruct(r) && r && typeof r === "object" && "resource" in r) {
    return r.permissions.map((p) => new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: p.actions, resources: p.resources }));
  }
  const c = boundConstruct(r);
  const b = c?.getBindings();
  if (!c || !b) return [];
  return Object.entries(b.permissions).map(([action, resources]) => {
    if (action === "*" && resources.includes("*")) {
      throw new Error(`${c.constructType} "${c.id}" asked for "*" on "*"; bindings must be scoped.`);
    }
    return new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: [action], resources });
  });
}

/** Secrets a binding points at (Auth's keys): bound along with it. */
export function bindingReferencedSecrets(r: BindingResource): SSTConstruct[] {
  const b = boundConstruct(r)?.getBindings();
  if (!b) return [];
  return Object.values(b.variables).flatMap((v) => (v.type === "secret_reference" ? [v.secret] : []));
}

/** `{ssmPrefix}{Type}/{id}/{prop}` */
export function bindingParameterName(ssmPrefix: string, type: string, id: string, prop: string): string {
  return `${ssmPrefix}${type}/${id}/${prop}`;
}

/** The SSM parameters SST v2 writes for a construct: one per plain, site URL or secret-reference value. */
export function bindingParameterValues(c: SSTConstruct): { prop: string; value: string }[] {
  const b = c.getBindings();
  if (!b) return [];
  const out: { prop: string; value: string }[] = [];
  for (const [prop, v] of Object.entries(b.variables)) {
    if (v.type === "plain" || v.type === "site_url") out.push({ prop, value: v.value ?? "" });
    else if (v.type === "secret_reference") out.push({ prop, value: FETCH_FROM_SECRET + v.secret.name });
  }
  return out;
}
