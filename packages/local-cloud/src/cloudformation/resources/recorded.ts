/**
 * Resources the local cloud records but does not serve: networking (VPCs, subnets,
 * security groups), EFS, DNS and certificates, KMS keys. An app's
 * template keeps them for AWS; locally they get the physical ids and attributes AWS
 * would give (in AWS's formats), so everything that references them deploys, and
 * nothing runs behind them. `sst dev` tells the user which constructs rely on them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { ProviderContext, ResourceProvider } from "../provider.js";

type Props = Record<string, any>;

export interface RecordedSpec {
  /** The physical id (what Ref returns). */
  id(props: Props, ctx: ProviderContext): string;
  /** GetAtt attributes, from the physical id and the properties. */
  attributes?(id: string, props: Props, ctx: ProviderContext): Record<string, unknown>;
  replacementProps?: string[];
  nameProperty?: string;
}

export function recordedProvider(spec: RecordedSpec): ResourceProvider {
  return {
    replacementProps: spec.replacementProps,
    nameProperty: spec.nameProperty,
    async create(props, ctx) {
      const id = spec.id(props, ctx);
      return { physicalId: id, attributes: spec.attributes?.(id, props, ctx) ?? {} };
    },
    async update(id, props, _old, ctx) {
      return spec.attributes?.(id, props, ctx) ?? {};
    },
    async delete() {},
  };
}

/** "vpc-0a1b2c3d4e5f60718": EC2-style ids, 17 hex digits after the prefix. */
export function ec2Id(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString("hex").slice(0, 17)}`;
}

export { randomUUID };
