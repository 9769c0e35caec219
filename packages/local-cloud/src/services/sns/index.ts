/**
 * SNS (awsQuery, signing name "sns"): topics (standard and FIFO), subscriptions with
 * filter policies, and Publish fanning out to Lambda, SQS and http/https subscribers.
 * State is durable in SQLite (`sns.sqlite`); deliveries run in the background.
 */
import { AwsError } from "../../server/aws-error.js";
import { parseQueryRequest, queryErrorResponse, queryResponse } from "../../server/protocols/query.js";
import type { AwsRequest, AwsResponse, CallContext, Service, ServiceDeps } from "../../types.js";
import type { LocalCloud } from "../../cloud.js";
import type { SnsContext } from "./context.js";
import { Delivery } from "./delivery.js";
import { authorizationError } from "./errors.js";
import { PublishOperations } from "./publish.js";
import { outputToXml, queryToInput } from "./query-wire.js";
import { SnsStore } from "./store.js";
import { SubscriptionOperations } from "./subscriptions.js";
import { TopicOperations } from "./topics.js";

export const SNS_XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";

const TOPIC_OPS = ["CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes", "SetTopicAttributes", "TagResource", "UntagResource", "ListTagsForResource"] as const;
const SUBSCRIPTION_OPS = [
  "Subscribe", "ConfirmSubscription", "Unsubscribe", "ListSubscriptions", "ListSubscriptionsByTopic", "GetSubscriptionAttributes", "SetSubscriptionAttributes",
] as const;
const PUBLISH_OPS = ["Publish", "PublishBatch"] as const;

export class SnsService implements Service {
  readonly signingName = "sns";
  readonly topics: TopicOperations;
  readonly subscriptions: SubscriptionOperations;
  readonly publisher: PublishOperations;
  private readonly cloud: LocalCloud;

  constructor(deps: ServiceDeps) {
    this.cloud = deps.cloud;
    const store = new SnsStore(deps.cloud.openDatabase("sns"));
    const context: SnsContext = {
      cloud: deps.cloud,
      store,
      region: deps.cloud.region,
      accountId: deps.cloud.accountId,
      authorize: (ctx, action, arn) => deps.cloud.authorize(ctx, action, arn, authorizationError),
    };
    const delivery = new Delivery(context);
    this.topics = new TopicOperations(context);
    this.subscriptions = new SubscriptionOperations(context, this.topics, delivery);
    this.publisher = new PublishOperations(context, this.topics, delivery);
  }

  async close(): Promise<void> {
    // Let deliveries already started finish (they are short: an async invoke or a send).
    await Promise.race([Promise.allSettled([...this.publisher.inFlight]), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const ctx: CallContext = { region: req.region, principal: req.principal, requestId: req.requestId };
    try {
      const { action, params } = parseQueryRequest(req);
      const output = await this.call(action, queryToInput(params), ctx);
      return queryResponse(action, outputToXml(output), req.requestId, SNS_XMLNS);
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError("InternalError", String((err as Error)?.message ?? err), 500);
      return queryErrorResponse(e, req.requestId, SNS_XMLNS);
    }
  }

  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    const context: CallContext = withDefaults(this.cloud.adminContext(), ctx);
    const args = input && typeof input === "object" ? input : {};
    if ((TOPIC_OPS as readonly string[]).includes(operation)) return this.topics[operation as (typeof TOPIC_OPS)[number]](args, context);
    if ((SUBSCRIPTION_OPS as readonly string[]).includes(operation)) return this.subscriptions[operation as (typeof SUBSCRIPTION_OPS)[number]](args, context);
    if ((PUBLISH_OPS as readonly string[]).includes(operation)) return this.publisher[operation as (typeof PUBLISH_OPS)[number]](args, context);
    throw new AwsError("InvalidAction", `The action ${operation} is not valid for this web service.`, 400);
  }

  /** `/_aws/sns/confirm?TopicArn=…&Token=…`: the SubscribeURL an http/https endpoint visits. */
  async handleInternal(req: AwsRequest, rest: string): Promise<AwsResponse> {
    if (rest.replace(/\/$/, "") !== "/confirm") return { status: 404, headers: { "content-type": "text/plain" }, body: "Not Found" };
    const ctx = this.cloud.adminContext(req.requestId);
    try {
      const out = await this.subscriptions.ConfirmSubscription({ TopicArn: req.query.get("TopicArn"), Token: req.query.get("Token") }, ctx);
      return queryResponse("ConfirmSubscription", outputToXml(out), req.requestId, SNS_XMLNS);
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError("InternalError", String(err), 500);
      return queryErrorResponse(e, req.requestId, SNS_XMLNS);
    }
  }
}

/** The caller's context over the admin's; fields the caller left undefined keep the admin's. */
function withDefaults(admin: CallContext, ctx?: Partial<CallContext>): CallContext {
  return { region: ctx?.region ?? admin.region, principal: ctx?.principal ?? admin.principal, requestId: ctx?.requestId ?? admin.requestId };
}
