/**
 * The one internal interface every bindable construct implements (SST v2's
 * `SSTConstruct.getBindings`), and what `bind` derives from it: the function's
 * environment variables, its IAM statements and the SSM parameters the app writes.
 */
import type { Construct } from "constructs";
import * as iam from "aws-cdk-lib/aws-iam";

export interface BindingVariable {
  /**
   * "plain": the value itself; "secret": fetched from SSM at runtime; "site_url": a
   * deployed site's URL, written to SSM and fetched at runtime (as SST v2 does, so a
   * function bound to a site does not depend on the site's stack).
   */
  type: "plain" | "secret" | "site_url";
  /** For "plain": the value (may be a CDK token). */
  value?: string;
}

export interface BindingProps {
  /** SST construct type name used in env var and SSM paths: "Table", "Bucket", "Secret" … */
  clientPackage: string;
  variables: Record<string, BindingVariable>;
  /** IAM action → resources. Never "*" on "*". */
  permissions: Record<string, string[]>;
}

export const SST_CONSTRUCT = Symbol.for("sst.SSTConstruct");

export interface SSTConstruct extends Construct {
  /** Type name, e.g. "Table". */
  readonly constructType: string;
  /** Logical id used in env names and SSM paths. */
  readonly id: string;
  getBindings(): BindingProps | undefined;
  getConstructMetadata?(): { type: string; data: Record<string, unknown> };
}

export function isSSTConstruct(c: unknown): c is SSTConstruct {
  return !!c && typeof c === "object" && (c as any)[SST_CONSTRUCT] === true;
}

/** `SST_{Type}_{prop}_{id}` with "-" in the id turned into "_". */
export function bindingEnvName(type: string, prop: string, id: string): string {
  return `SST_${type}_${prop}_${id.replace(/-/g, "_")}`;
}

export const FETCH_FROM_SSM = "__FETCH_FROM_SSM__";

export function bindingEnvironment(c: SSTConstruct): Record<string, string> {
  const b = c.getBindings();
  if (!b) return {};
  const env: Record<string, string> = {};
  for (const [prop, v] of Object.entries(b.variables)) {
    env[bindingEnvName(c.constructType, prop, c.id)] = v.type === "secret" || v.type === "site_url" ? FETCH_FROM_SSM : (v.value ?? "");
  }
  return env;
}

export function bindingStatements(c: SSTConstruct): iam.PolicyStatement[] {
  const b = c.getBindings();
  if (!b) return [];
  return Object.entries(b.permissions).map(([action, resources]) => {
    if (action === "*" && resources.includes("*")) {
      throw new Error(`${c.constructType} "${c.id}" asked for "*" on "*"; bindings must be scoped.`);
    }
    return new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: [action], resources });
  });
}

/** `{ssmPrefix}{Type}/{id}/{prop}` */
export function bindingParameterName(ssmPrefix: string, type: string, id: string, prop: string): string {
  return `${ssmPrefix}${type}/${id}/${prop}`;
}
