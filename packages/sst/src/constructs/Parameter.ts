/**
 * Config.Parameter: a plain value known at deploy time, bound as an env var and
 * written to SSM like every bound value.
 */
import { Construct } from "constructs";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import { callSite, propError } from "./util/construct-error.js";

export interface ParameterProps { value: string; }

export class Parameter extends Construct implements SSTConstruct {
  readonly id: string;
  readonly name: string;
  readonly value: string;
  readonly constructType = "Parameter";

  constructor(scope: Construct, id: string, props: ParameterProps) {
    super(scope, id);
    if (!props || props.value === undefined) throw propError({ kind: "Parameter", id, site: callSite() }, "value", "is required");
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.name = id;
    this.value = props.value;
  }

  static create<T extends Record<string, any>>(scope: Construct, parameters: T): { [K in keyof T]: Parameter } {
    const out: Record<string, Parameter> = {};
    for (const [id, value] of Object.entries(parameters)) out[id] = new Parameter(scope, id, { value: String(value) });
    return out as any;
  }

  getConstructMetadata() {
    return { type: "Parameter" as const, data: { name: this.name } };
  }

  /** @internal */
  getBindings(): BindingProps {
    return { clientPackage: "config", variables: { value: { type: "plain", value: this.value } }, permissions: {} };
  }
}
