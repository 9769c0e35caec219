/** AWS::Logs::LogGroup: Ref is the name; GetAtt Arn. RetentionInDays via PutRetentionPolicy. */
import { ignoreNotFound, optionalCall, service, tagMap, type ResourceProvider, type ProviderContext } from "../provider.js";

const arnOf = (name: string, ctx: ProviderContext) => `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}:*`;

export const logGroup: ResourceProvider = {
  replacementProps: ["LogGroupName", "LogGroupClass"],
  nameProperty: "LogGroupName",
  async create(props, ctx) {
    const logs = service(ctx, "logs");
    const name = props.LogGroupName ?? ctx.physicalName({ maxLength: 512 });
    await logs.call("CreateLogGroup", { logGroupName: name, tags: tagMap(props.Tags), logGroupClass: props.LogGroupClass });
    if (props.RetentionInDays !== undefined) {
      await optionalCall(logs, "PutRetentionPolicy", { logGroupName: name, retentionInDays: Number(props.RetentionInDays) });
    }
    return { physicalId: name, attributes: { Arn: arnOf(name, ctx) } };
  },
  async update(name, props, old, ctx) {
    const logs = service(ctx, "logs");
    if (props.RetentionInDays !== old.RetentionInDays) {
      if (props.RetentionInDays === undefined) await optionalCall(logs, "DeleteRetentionPolicy", { logGroupName: name });
      else await optionalCall(logs, "PutRetentionPolicy", { logGroupName: name, retentionInDays: Number(props.RetentionInDays) });
    }
    return { Arn: arnOf(name, ctx) };
  },
  async delete(name, _props, ctx) {
    await ignoreNotFound(service(ctx, "logs").call("DeleteLogGroup", { logGroupName: name }));
  },
};
