/**
 * AWS::StepFunctions::StateMachine, ::StateMachineVersion, ::StateMachineAlias and
 * ::Activity, served by the local Step Functions. A state machine's definition comes from DefinitionString (already
 * resolved: Fn::Join/Fn::Sub) or Definition (an object), with DefinitionSubstitutions'
 * `${name}` placeholders replaced; DefinitionS3Location fails naming the resource (the
 * local cloud does not read definitions from S3 buckets it may not have). Ref is the ARN,
 * as on AWS; GetAtt gives Arn, Name and StateMachineRevisionId. LoggingConfiguration
 * sends execution logs to its CloudWatch Logs group; TracingConfiguration is kept as
 * written and described back, and the local executions send no X-Ray traces (the deploy
 * says so once). A version publishes the machine's revision (Ref: the version ARN); an
 * alias routes to one or two versions by weight (Ref: the alias ARN); its
 * DeploymentPreference shifts all traffic at once locally (said once).
 */
import { randomBytes } from "node:crypto";
import { compact, ignoreNotFound, service, type ProviderContext, type ResourceProvider, type ServiceLike } from "../provider.js";

type Props = Record<string, any>;

const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const generatedSuffix = () => Array.from(randomBytes(12), (b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join("");

function definitionOf(props: Props, ctx: ProviderContext): string {
  if (props.DefinitionS3Location) {
    throw new Error(`${ctx.logicalId} (AWS::StepFunctions::StateMachine): DefinitionS3Location is not supported by the local cloud; use DefinitionString or Definition`);
  }
  let text = props.DefinitionString !== undefined ? String(props.DefinitionString) : props.Definition !== undefined ? JSON.stringify(props.Definition) : undefined;
  if (text === undefined) throw new Error(`${ctx.logicalId} (AWS::StepFunctions::StateMachine): one of DefinitionString or Definition is required`);
  for (const [name, value] of Object.entries<unknown>(props.DefinitionSubstitutions ?? {})) {
    text = text.split(`\${${name}}`).join(typeof value === "string" ? value : JSON.stringify(value));
  }
  return text;
}

const tagList = (tags: unknown) => (Array.isArray(tags) ? tags.map((t: any) => ({ key: String(t.Key), value: String(t.Value ?? "") })) : undefined);

/** Tags removed from the template are untagged; the rest are (re)applied. */
async function applyTags(sfn: ServiceLike, arn: string, tags: unknown, before: unknown): Promise<void> {
  const now = tagList(tags) ?? [];
  const removed = (tagList(before) ?? []).filter((t) => !now.some((n) => n.key === t.key)).map((t) => t.key);
  if (removed.length) await sfn.call("UntagResource", { resourceArn: arn, tagKeys: removed });
  if (now.length) await sfn.call("TagResource", { resourceArn: arn, tags: now });
}

function logging(props: Props) {
  const c = props.LoggingConfiguration;
  if (!c) return undefined;
  return compact({
    level: c.Level, includeExecutionData: c.IncludeExecutionData,
    destinations: Array.isArray(c.Destinations) ? c.Destinations.map((d: any) => ({ cloudWatchLogsLogGroup: { logGroupArn: d?.CloudWatchLogsLogGroup?.LogGroupArn } })) : undefined,
  });
}

const tracing = (props: Props) => (props.TracingConfiguration ? { enabled: !!props.TracingConfiguration.Enabled } : undefined);

function recordedOnly(props: Props, ctx: ProviderContext): void {
  if (props.TracingConfiguration?.Enabled) ctx.log?.(`TracingConfiguration recorded: local executions send no X-Ray traces`);
}

async function attributes(ctx: ProviderContext, arn: string) {
  const d = await service(ctx, "stepfunctions").call("DescribeStateMachine", { stateMachineArn: arn });
  return { Arn: arn, Name: d.name, StateMachineRevisionId: d.revisionId };
}

export const stepFunctionsStateMachine: ResourceProvider = {
  replacementProps: ["StateMachineName", "StateMachineType"],
  nameProperty: "StateMachineName",
  attributeNames: ["Arn", "Name", "StateMachineRevisionId"],
  async create(props, ctx) {
    // CloudFormation names a state machine after its logical id alone: `CheckoutB7CD3E82-x7QpZ2mN4aBc`.
    const name = String(props.StateMachineName ?? `${ctx.logicalId.slice(0, 67)}-${generatedSuffix()}`);
    const out = await service(ctx, "stepfunctions").call("CreateStateMachine", compact({
      name, definition: definitionOf(props, ctx), roleArn: props.RoleArn, type: props.StateMachineType,
      loggingConfiguration: logging(props), tracingConfiguration: tracing(props), tags: tagList(props.Tags),
    }));
    recordedOnly(props, ctx);
    return { physicalId: out.stateMachineArn, attributes: await attributes(ctx, out.stateMachineArn) };
  },
  async update(arn, props, old, ctx) {
    const sfn = service(ctx, "stepfunctions");
    await sfn.call("UpdateStateMachine", compact({
      stateMachineArn: arn, definition: definitionOf(props, ctx), roleArn: props.RoleArn,
      loggingConfiguration: logging(props) ?? { level: "OFF", includeExecutionData: false }, tracingConfiguration: tracing(props) ?? { enabled: false },
    }));
    await applyTags(sfn, arn, props.Tags, old.Tags);
    recordedOnly(props, ctx);
    return attributes(ctx, arn);
  },
  async delete(arn, _props, ctx) {
    await ignoreNotFound(service(ctx, "stepfunctions").call("DeleteStateMachine", { stateMachineArn: arn }));
  },
};

export const stepFunctionsActivity: ResourceProvider = {
  replacementProps: ["Name"],
  nameProperty: "Name",
  attributeNames: ["Arn", "Name"],
  async create(props, ctx) {
    const out = await service(ctx, "stepfunctions").call("CreateActivity", compact({ name: String(props.Name), tags: tagList(props.Tags) }));
    return { physicalId: out.activityArn, attributes: { Arn: out.activityArn, Name: String(props.Name) } };
  },
  async update(arn, props, old, ctx) {
    const sfn = service(ctx, "stepfunctions");
    await applyTags(sfn, arn, props.Tags, old.Tags);
    return { Arn: arn, Name: String(props.Name) };
  },
  async delete(arn, _props, ctx) {
    await service(ctx, "stepfunctions").call("DeleteActivity", { activityArn: arn });
  },
};

export const stepFunctionsStateMachineVersion: ResourceProvider = {
  replacementProps: ["StateMachineArn", "StateMachineRevisionId", "Description"],
  attributeNames: ["Arn"],
  async create(props, ctx) {
    const out = await service(ctx, "stepfunctions").call("PublishStateMachineVersion", compact({
      stateMachineArn: props.StateMachineArn, revisionId: props.StateMachineRevisionId, description: props.Description,
    }));
    return { physicalId: out.stateMachineVersionArn, attributes: { Arn: out.stateMachineVersionArn } };
  },
  async update(arn) {
    return { Arn: arn };
  },
  async delete(arn, _props, ctx) {
    await ignoreNotFound(service(ctx, "stepfunctions").call("DeleteStateMachineVersion", { stateMachineVersionArn: arn }));
  },
};

/** An alias's routing: RoutingConfiguration, or DeploymentPreference's target version taking all traffic at once. */
function routingOf(props: Props, ctx: ProviderContext) {
  if (Array.isArray(props.RoutingConfiguration)) {
    return props.RoutingConfiguration.map((r: any) => ({ stateMachineVersionArn: String(r.StateMachineVersionArn), weight: Number(r.Weight) }));
  }
  const target = props.DeploymentPreference?.StateMachineVersionArn;
  if (!target) throw new Error(`${ctx.logicalId} (AWS::StepFunctions::StateMachineAlias): one of RoutingConfiguration or DeploymentPreference is required`);
  if (props.DeploymentPreference.Type && props.DeploymentPreference.Type !== "ALL_AT_ONCE") {
    ctx.log?.(`DeploymentPreference ${props.DeploymentPreference.Type}: the local cloud shifts all traffic to ${target} at once (no CloudWatch alarms watch it)`);
  }
  return [{ stateMachineVersionArn: String(target), weight: 100 }];
}

export const stepFunctionsStateMachineAlias: ResourceProvider = {
  replacementProps: ["Name"],
  nameProperty: "Name",
  attributeNames: ["Arn"],
  async create(props, ctx) {
    const name = String(props.Name ?? `${ctx.logicalId.slice(0, 67)}-${generatedSuffix()}`);
    const out = await service(ctx, "stepfunctions").call("CreateStateMachineAlias", compact({ name, description: props.Description, routingConfiguration: routingOf(props, ctx) }));
    return { physicalId: out.stateMachineAliasArn, attributes: { Arn: out.stateMachineAliasArn } };
  },
  async update(arn, props, _old, ctx) {
    await service(ctx, "stepfunctions").call("UpdateStateMachineAlias", compact({ stateMachineAliasArn: arn, description: props.Description ?? "", routingConfiguration: routingOf(props, ctx) }));
    return { Arn: arn };
  },
  async delete(arn, _props, ctx) {
    await ignoreNotFound(service(ctx, "stepfunctions").call("DeleteStateMachineAlias", { stateMachineAliasArn: arn }));
  },
};
