/**
 * AWS::Lambda::LayerVersion: recorded, not loaded. Locally functions run without
 * their layers (`sst dev` says so for each function that has some); the version ARN is
 * what functions and other stacks reference. Every property change is a new version.
 */
import { recordedProvider } from "./recorded.js";
import { arn } from "../provider.js";

const versions = new Map<string, number>();

export const lambdaLayerVersion = recordedProvider({
  replacementProps: ["Content", "LayerName", "CompatibleRuntimes", "CompatibleArchitectures", "Description", "LicenseInfo"],
  id: (p, ctx) => {
    const name = String(p.LayerName ?? `${ctx.stackName}-${ctx.logicalId}`).slice(0, 140);
    const version = (versions.get(name) ?? 0) + 1;
    versions.set(name, version);
    return arn(ctx, "lambda", `layer:${name}:${version}`);
  },
  attributes: (id) => ({ LayerVersionArn: id }),
});

/** AWS::Lambda::LayerVersionPermission: recorded with its layer. */
export const lambdaLayerVersionPermission = recordedProvider({
  replacementProps: ["LayerVersionArn", "Action", "Principal", "OrganizationId"],
  id: (p) => `${p.LayerVersionArn}#${p.Principal}`,
});
