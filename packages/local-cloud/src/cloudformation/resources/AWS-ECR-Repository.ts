/**
 * AWS::ECR::Repository: recorded, not served. The local cloud has no ECR (no Docker),
 * but the CDK bootstrap stack declares a container-assets repository, and other
 * resources reference its Arn and Uri, so the provider gives the repository its name
 * and the attributes AWS would. Ref is the repository name; GetAtt Arn, RepositoryUri.
 */
import type { ProviderContext, ResourceProvider } from "../provider.js";

/** ECR names: lowercase, 2-256 characters, letters, digits and ._-/ separators. */
const NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function attributes(name: string, ctx: ProviderContext) {
  return {
    Arn: `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${name}`,
    RepositoryUri: `${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com/${name}`,
  };
}

function validName(name: string): string {
  if (name.length < 2 || name.length > 256 || !NAME.test(name))
    throw Object.assign(new Error(`Invalid repository name '${name}': ECR repository names are 2-256 lowercase letters, digits and . _ - / separators`), { name: "InvalidParameterException" });
  return name;
}

export const ecrRepository: ResourceProvider = {
  replacementProps: ["RepositoryName"],
  nameProperty: "RepositoryName",
  attributeNames: ["Arn", "RepositoryUri"],
  async create(props, ctx) {
    const name = validName(props.RepositoryName ?? ctx.physicalName({ maxLength: 256, lowercase: true }));
    return { physicalId: name, attributes: attributes(name, ctx) };
  },
  async update(name, _props, _old, ctx) {
    // Policy, lifecycle and tag-mutability changes have nothing local to act on.
    return attributes(name, ctx);
  },
  async delete() {},
};
