/**
 * EventBridge (awsJson1_1, X-Amz-Target "AWSEvents.<Op>", signing name "events"):
 * event buses, rules with event patterns or schedules, targets (Lambda, SQS, SNS,
 * other buses) and PutEvents. Reached on LocalCloud as `cloud.eventbridge` (the name
 * `events` is the cloud's observability emitter). Scheduled rules fire from a timer
 * that runs between start() and close().
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import eventsModel from "../../wire/models/events.js";
import { eventsOperations } from "./api.js";
import { BusOperations } from "./buses.js";
import type { EventsContext } from "./context.js";
import { accessDenied } from "./errors.js";
import { PutEventsOperation } from "./put-events.js";
import { RuleOperations } from "./rules.js";
import { Scheduler } from "./scheduler.js";
import { EventsStore } from "./store.js";
import { TagOperations } from "./tags.js";
import { TargetDelivery } from "./targets.js";

export class EventBridgeService implements Service {
  readonly signingName = "events";
  readonly buses: BusOperations;
  readonly rules: RuleOperations;
  readonly putEvents: PutEventsOperation;
  readonly scheduler: Scheduler;
  private readonly tags: TagOperations;
  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps) {
    const context: EventsContext = {
      kernel,
      store: new EventsStore(kernel.openDatabase("events")),
      region: kernel.region,
      accountId: kernel.accountId,
    };
    this.buses = new BusOperations(context);
    this.rules = new RuleOperations(context, this.buses);
    const delivery = new TargetDelivery(context, (bus, event) => this.putEvents.dispatch(bus, event as any));
    this.putEvents = new PutEventsOperation(context, this.buses, delivery);
    this.scheduler = new Scheduler(context, this.putEvents);
    this.rules.onChange = () => this.scheduler.tick();
    this.tags = new TagOperations(context);
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model: eventsModel,
      operations: eventsOperations({ c: context, buses: this.buses, rules: this.rules, putEvents: this.putEvents, tags: this.tags }),
      errors: {
        validation: (message) => new AwsError("ValidationException", message, 400),
        accessDenied,
        unknownOperation: (req, { name }) => new AwsError("UnknownOperationException", req ? "" : `Unknown operation ${name}`, 400),
        malformedBody: (message) => new AwsError("SerializationException", message, 400),
        internal: (err) => new AwsError("InternalException", String((err as Error)?.message ?? err), 500),
      },
    });
  }

  start(): void {
    this.scheduler.start();
  }

  async close(): Promise<void> {
    this.scheduler.stop();
    await Promise.race([Promise.allSettled([...this.putEvents.inFlight]), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }
}
