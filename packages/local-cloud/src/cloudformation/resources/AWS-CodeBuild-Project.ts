/**
 * AWS::CodeBuild::Project: a project of the local cloud's CodeBuild, whose builds run
 * the buildspec's commands on this machine (SST's Job starts them). Ref is the project
 * name, GetAtt Arn its ARN.
 */
import { compact, ignoreNotFound, service, type ResourceProvider } from "../provider.js";

/** CloudFormation's PascalCase project properties in the API's camelCase (nested too). */
function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camel(v)]));
}

function projectInput(name: string, props: any) {
  const p = camel(props) as any;
  // The API spells it "buildspec"; CloudFormation "BuildSpec".
  const source = p.source && compact({ ...p.source, buildSpec: undefined, buildspec: p.source.buildSpec });
  return compact({
    name,
    description: p.description,
    source,
    secondarySources: p.secondarySources,
    artifacts: p.artifacts,
    environment: p.environment,
    serviceRole: p.serviceRole,
    timeoutInMinutes: p.timeoutInMinutes,
    queuedTimeoutInMinutes: p.queuedTimeoutInMinutes,
    logsConfig: p.logsConfig,
    vpcConfig: p.vpcConfig,
    tags: p.tags,
  });
}

export const codeBuildProject: ResourceProvider = {
  replacementProps: ["Name"],
  nameProperty: "Name",
  async create(props, ctx) {
    const name = String(props.Name ?? ctx.physicalName({ maxLength: 150 }));
    const out = await service(ctx, "codebuild").call("CreateProject", projectInput(name, props));
    return { physicalId: name, attributes: { Arn: out.project.arn } };
  },
  async update(name, props, _old, ctx) {
    const out = await service(ctx, "codebuild").call("UpdateProject", projectInput(name, props));
    return { Arn: out.project.arn };
  },
  async delete(name, _props, ctx) {
    await ignoreNotFound(service(ctx, "codebuild").call("DeleteProject", { name }));
  },
};
