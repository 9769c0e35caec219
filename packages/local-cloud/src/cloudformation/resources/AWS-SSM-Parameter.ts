/** AWS::SSM::Parameter: Ref is the parameter name; GetAtt Type and Value. */
import { compact, ignoreNotFound, service, type ResourceProvider } from "../provider.js";

function tags(t: unknown) {
  if (!t || typeof t !== "object") return undefined;
  const list = Array.isArray(t) ? t : Object.entries(t as Record<string, string>).map(([Key, Value]) => ({ Key, Value }));
  return list.length ? list : undefined;
}

export const ssmParameter: ResourceProvider = {
  replacementProps: ["Name"],
  nameProperty: "Name",
  async create(props, ctx) {
    // CloudFormation's generated names look like CFN-{LogicalId}-{RANDOM}.
    const name = props.Name ?? `CFN-${ctx.logicalId}-${ctx.physicalName({ maxLength: 40 }).split("-").pop()}`;
    await service(ctx, "ssm").call("PutParameter", compact({
      Name: name, Value: String(props.Value), Type: props.Type ?? "String", Description: props.Description,
      Tier: props.Tier, AllowedPattern: props.AllowedPattern, DataType: props.DataType, Tags: tags(props.Tags), Overwrite: false,
    }));
    return { physicalId: name, attributes: { Type: props.Type ?? "String", Value: String(props.Value) } };
  },
  async update(name, props, _old, ctx) {
    await service(ctx, "ssm").call("PutParameter", compact({
      Name: name, Value: String(props.Value), Type: props.Type ?? "String", Description: props.Description,
      Tier: props.Tier, AllowedPattern: props.AllowedPattern, DataType: props.DataType, Overwrite: true,
    }));
    return { Type: props.Type ?? "String", Value: String(props.Value) };
  },
  async delete(name, _props, ctx) {
    await ignoreNotFound(service(ctx, "ssm").call("DeleteParameter", { Name: name }));
  },
};
