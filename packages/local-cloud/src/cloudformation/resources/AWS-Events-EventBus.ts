/** AWS::Events::EventBus: Ref is the bus name; GetAtt Arn, Name. */
import { ignoreNotFound, service, type ResourceProvider } from "../provider.js";

export const eventsEventBus: ResourceProvider = {
  replacementProps: ["Name", "EventSourceName"],
  nameProperty: "Name",
  attributeNames: ["Arn", "Name", "Policy"],
  async create(props, ctx) {
    const name = String(props.Name ?? ctx.physicalName({ maxLength: 256 }));
    const { EventBusArn } = await service(ctx, "eventbridge").call("CreateEventBus", { Name: name, Description: props.Description, Tags: props.Tags });
    return { physicalId: name, attributes: { Arn: EventBusArn, Name: name } };
  },
  async update(name, _props, _old, ctx) {
    const bus = await service(ctx, "eventbridge").call("DescribeEventBus", { Name: name });
    return { Arn: bus.Arn, Name: name };
  },
  async delete(name, _props, ctx) {
    await ignoreNotFound(service(ctx, "eventbridge").call("DeleteEventBus", { Name: name }));
  },
};
