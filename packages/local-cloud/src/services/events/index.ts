/**
 * EventBridge (awsJson1_1, X-Amz-Target "AWSEvents.<Op>", signing name "events"):
 * event buses, rules with event patterns or schedules, targets (Lambda, SQS, SNS,
 * other buses) and PutEvents. Reached on LocalCloud as `cloud.eventbridge` (the name
 * `events` is the cloud's observability emitter). Scheduled rules fire from a timer
 * that runs between start() and close().
 */
import { AwsError } from "../../server/aws-error.js";
import { jsonErrorResponse, jsonResponse, parseJsonBody } from "../../server/protocols/json.js";
import type { AwsRequest, AwsResponse, CallContext, Service, ServiceDeps } from "../../types.js";
import type { LocalCloud } from "../../cloud.js";
import { BusOperations } from "./buses.js";
import type { EventsContext } from "./context.js";
import { accessDenied } from "./errors.js";
import { PutEventsOperation } from "./put-events.js";
import { RuleOperations } from "./rules.js";
import { Scheduler } from "./scheduler.js";
import { EventsStore } from "./store.js";
import { TagOperations } from "./tags.js";
import { TargetDelivery } from "./targets.js";

const CONTENT_TYPE = "application/x-amz-json-1.1";
const BUS_OPS = ["CreateEventBus", "DeleteEventBus", "DescribeEventBus", "ListEventBuses"] as const;
const RULE_OPS = ["PutRule", "DeleteRule", "DescribeRule", "ListRules", "EnableRule", "DisableRule", "PutTargets", "RemoveTargets", "ListTargetsByRule"] as const;
const EVENT_OPS = ["PutEvents", "TestEventPattern"] as const;
const TAG_OPS = ["TagResource", "UntagResource", "ListTagsForResource"] as const;

export class EventBridgeService implements Service {
  readonly signingName = "events";
  readonly buses: BusOperations;
  readonly rules: RuleOperations;
  readonly putEvents: PutEventsOperation;
  readonly scheduler: Scheduler;
  private readonly tags: TagOperations;
  private readonly cloud: LocalCloud;

  constructor(deps: ServiceDeps) {
    this.cloud = deps.cloud;
    const context: EventsContext = {
      cloud: deps.cloud,
      store: new EventsStore(deps.cloud.openDatabase("events")),
      region: deps.cloud.region,
      accountId: deps.cloud.accountId,
      authorize: (ctx, action, arn) => deps.cloud.authorize(ctx, action, arn, accessDenied),
    };
    this.buses = new BusOperations(context);
    this.rules = new RuleOperations(context, this.buses);
    const delivery = new TargetDelivery(context, (bus, event) => this.putEvents.dispatch(bus, event as any));
    this.putEvents = new PutEventsOperation(context, this.buses, delivery);
    this.scheduler = new Scheduler(context, this.putEvents);
    this.rules.onChange = () => this.scheduler.tick();
    this.tags = new TagOperations(context);
  }

  start(): void {
    this.scheduler.start();
  }

  async close(): Promise<void> {
    this.scheduler.stop();
    await Promise.race([Promise.allSettled([...this.putEvents.inFlight]), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const ctx: CallContext = { region: req.region, principal: req.principal, requestId: req.requestId };
    try {
      const target = req.headers["x-amz-target"] ?? "";
      const dot = target.lastIndexOf(".");
      if (dot < 0 || target.slice(0, dot) !== "AWSEvents") throw new AwsError("UnknownOperationException", "", 400);
      const output = await this.call(target.slice(dot + 1), parseJsonBody(req), ctx);
      return jsonResponse(output, CONTENT_TYPE);
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError("InternalException", String((err as Error)?.message ?? err), 500);
      return jsonErrorResponse(e, { contentType: CONTENT_TYPE });
    }
  }

  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    const context = withDefaults(this.cloud.adminContext(), ctx);
    const args = input && typeof input === "object" ? input : {};
    if ((BUS_OPS as readonly string[]).includes(operation)) return this.buses[operation as (typeof BUS_OPS)[number]](args, context);
    if ((RULE_OPS as readonly string[]).includes(operation)) return this.rules[operation as (typeof RULE_OPS)[number]](args, context);
    if ((EVENT_OPS as readonly string[]).includes(operation)) return this.putEvents[operation as (typeof EVENT_OPS)[number]](args, context);
    if ((TAG_OPS as readonly string[]).includes(operation)) return this.tags[operation as (typeof TAG_OPS)[number]](args, context);
    throw new AwsError("UnknownOperationException", `Unknown operation ${operation}`, 400);
  }
}

/** The caller's context over the admin's; fields the caller left undefined keep the admin's. */
function withDefaults(admin: CallContext, ctx?: Partial<CallContext>): CallContext {
  return { region: ctx?.region ?? admin.region, principal: ctx?.principal ?? admin.principal, requestId: ctx?.requestId ?? admin.requestId };
}
