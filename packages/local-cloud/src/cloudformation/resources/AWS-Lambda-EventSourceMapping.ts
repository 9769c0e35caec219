/** AWS::Lambda::EventSourceMapping: Ref and GetAtt Id are the mapping's UUID. */
import { compact, ignoreNotFound, service, type ResourceProvider } from "../provider.js";

const num = (v: unknown) => (v === undefined ? undefined : Number(v));
const bool = (v: unknown) => (v === undefined ? undefined : v === true || v === "true");

function settings(p: Record<string, any>) {
  return compact({
    FunctionName: p.FunctionName, BatchSize: num(p.BatchSize), Enabled: bool(p.Enabled),
    MaximumBatchingWindowInSeconds: num(p.MaximumBatchingWindowInSeconds), FilterCriteria: p.FilterCriteria,
    FunctionResponseTypes: p.FunctionResponseTypes, ScalingConfig: p.ScalingConfig,
    BisectBatchOnFunctionError: bool(p.BisectBatchOnFunctionError), MaximumRetryAttempts: num(p.MaximumRetryAttempts),
    ParallelizationFactor: num(p.ParallelizationFactor), DestinationConfig: p.DestinationConfig,
    MaximumRecordAgeInSeconds: num(p.MaximumRecordAgeInSeconds), TumblingWindowInSeconds: num(p.TumblingWindowInSeconds),
  });
}

export const lambdaEventSourceMapping: ResourceProvider = {
  replacementProps: ["EventSourceArn", "StartingPosition", "StartingPositionTimestamp", "SelfManagedEventSource", "Topics", "Queues"],
  async create(props, ctx) {
    const out = await service(ctx, "lambda").call("CreateEventSourceMapping", compact({
      ...settings(props), EventSourceArn: props.EventSourceArn, StartingPosition: props.StartingPosition,
      StartingPositionTimestamp: props.StartingPositionTimestamp !== undefined ? new Date(Number(props.StartingPositionTimestamp) * 1000) : undefined,
    }));
    if (!out?.UUID) throw new Error("CreateEventSourceMapping returned no UUID");
    return { physicalId: out.UUID, attributes: { Id: out.UUID, EventSourceMappingArn: out.EventSourceMappingArn ?? `arn:aws:lambda:${ctx.region}:${ctx.accountId}:event-source-mapping:${out.UUID}` } };
  },
  async update(uuid, props, _old, ctx, attrs) {
    await service(ctx, "lambda").call("UpdateEventSourceMapping", { UUID: uuid, ...settings(props) });
    return attrs;
  },
  async delete(uuid, props, ctx) {
    await ignoreNotFound(service(ctx, "lambda").call("DeleteEventSourceMapping", { UUID: uuid }));
  },
};
