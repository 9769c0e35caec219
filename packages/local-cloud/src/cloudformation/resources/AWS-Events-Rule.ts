/**
 * AWS::Events::Rule with its inline Targets. Ref is the rule name (on a custom bus,
 * "bus|name", as CloudFormation returns it); GetAtt Arn. An update re-puts the rule,
 * removes targets that left the template and puts the rest.
 */
import { compact, ignoreNotFound, service, type ProviderContext, type ResourceProvider } from "../provider.js";

const busName = (props: Record<string, any>) => {
  const v = props.EventBusName;
  if (!v || v === "default") return "default";
  const m = /:event-bus\/(.+)$/.exec(String(v));
  return m ? m[1]! : String(v);
};

/** The rule name inside a physical id ("bus|name" or "name"). */
const nameOf = (physicalId: string) => physicalId.slice(physicalId.indexOf("|") + 1);

async function putRule(props: Record<string, any>, ctx: ProviderContext, name: string): Promise<string> {
  const { RuleArn } = await service(ctx, "eventbridge").call("PutRule", compact({
    Name: name,
    EventBusName: busName(props),
    EventPattern: props.EventPattern === undefined ? undefined : typeof props.EventPattern === "string" ? props.EventPattern : JSON.stringify(props.EventPattern),
    ScheduleExpression: props.ScheduleExpression,
    State: props.State,
    Description: props.Description,
    RoleArn: props.RoleArn,
  }));
  return RuleArn;
}

async function putTargets(props: Record<string, any>, ctx: ProviderContext, name: string): Promise<void> {
  const targets: any[] = props.Targets ?? [];
  for (let i = 0; i < targets.length; i += 10) {
    await service(ctx, "eventbridge").call("PutTargets", { Rule: name, EventBusName: busName(props), Targets: targets.slice(i, i + 10) });
  }
}

export const eventsRule: ResourceProvider = {
  replacementProps: ["Name", "EventBusName"],
  nameProperty: "Name",
  attributeNames: ["Arn"],
  async create(props, ctx) {
    const name = String(props.Name ?? ctx.physicalName({ maxLength: 64 }));
    const arn = await putRule(props, ctx, name);
    await putTargets(props, ctx, name);
    const bus = busName(props);
    return { physicalId: bus === "default" ? name : `${bus}|${name}`, attributes: { Arn: arn } };
  },
  async update(physicalId, props, old, ctx) {
    const name = nameOf(physicalId);
    const arn = await putRule(props, ctx, name);
    const keep = new Set((props.Targets ?? []).map((t: any) => t.Id));
    const gone = (old.Targets ?? []).map((t: any) => t.Id).filter((id: string) => !keep.has(id));
    if (gone.length) await service(ctx, "eventbridge").call("RemoveTargets", { Rule: name, EventBusName: busName(props), Ids: gone });
    await putTargets(props, ctx, name);
    return { Arn: arn };
  },
  async delete(physicalId, props, ctx) {
    await ignoreNotFound(service(ctx, "eventbridge").call("DeleteRule", { Name: nameOf(physicalId), EventBusName: busName(props), Force: true }));
  },
};
