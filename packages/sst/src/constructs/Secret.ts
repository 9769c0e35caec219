/**
 * Config.Secret: a value set out of band with `sst secrets set`, stored as an SSM
 * SecureString and fetched by the runtime client (the binding carries a marker).
 */
import * as cdk from "aws-cdk-lib";
import { Construct } from "constructs";
import { App } from "./App.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";

export class Secret extends Construct implements SSTConstruct {
  readonly id: string;
  readonly name: string;
  readonly constructType = "Secret";

  constructor(scope: Construct, id: string) {
    super(scope, id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.name = id;
  }

  static create<T extends string[]>(scope: Construct, ...ids: T): { [K in T[number]]: Secret } {
    const out: Record<string, Secret> = {};
    for (const id of ids) out[id] = new Secret(scope, id);
    return out as any;
  }

  getConstructMetadata() {
    return { type: "Secret" as const, data: { name: this.name } };
  }

  /** @internal */
  getBindings(): BindingProps {
    const app = App.of(this);
    const stack = cdk.Stack.of(this);
    const arn = (path: string) => `arn:${stack.partition}:ssm:${app.region}:${app.account}:parameter${path}`;
    return {
      clientPackage: "config",
      variables: { value: { type: "secret" } },
      permissions: {
        "ssm:GetParameters": [
          arn(`${app.ssmPrefix}Secret/${this.id}/value`),
          arn(`/sst/${app.name}/.fallback/Secret/${this.id}/value`),
        ],
      },
    };
  }
}
