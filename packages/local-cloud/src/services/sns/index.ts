/**
 * SNS (awsQuery, signing name "sns"): topics (standard and FIFO), subscriptions with
 * filter policies, and Publish fanning out to Lambda, SQS and http/https subscribers.
 * State is durable in SQLite (`sns.sqlite`); deliveries run in the background.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import snsModel from "../../wire/models/sns.js";
import { snsOperations } from "./api.js";
import type { SnsContext } from "./context.js";
import { Delivery } from "./delivery.js";
import { authorizationError } from "./errors.js";
import { PublishOperations } from "./publish.js";
import { SnsStore } from "./store.js";
import { SubscriptionOperations } from "./subscriptions.js";
import { TopicOperations } from "./topics.js";

export class SnsService implements Service {
  readonly signingName = "sns";
  readonly topics: TopicOperations;
  readonly subscriptions: SubscriptionOperations;
  readonly publisher: PublishOperations;
  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps) {
    const context: SnsContext = { kernel, store: new SnsStore(kernel.openDatabase("sns")), region: kernel.region, accountId: kernel.accountId };
    const delivery = new Delivery(context);
    this.topics = new TopicOperations(context);
    this.subscriptions = new SubscriptionOperations(context, this.topics, delivery);
    this.publisher = new PublishOperations(context, this.topics, delivery);
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model: snsModel,
      operations: snsOperations({ c: context, topics: this.topics, subscriptions: this.subscriptions, publisher: this.publisher }),
      errors: {
        validation: (message) => new AwsError("ValidationError", message, 400),
        accessDenied: authorizationError,
        unknownOperation: (_req, { name }) => new AwsError("InvalidAction", `The action ${name} is not valid for this web service.`, 400),
        malformedBody: (message) => new AwsError("MalformedInput", message, 400),
        internal: (err) => new AwsError("InternalError", String((err as Error)?.message ?? err), 500),
      },
    });
  }

  async close(): Promise<void> {
    // Let deliveries already started finish (they are short: an async invoke or a send).
    await Promise.race([Promise.allSettled([...this.publisher.inFlight]), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }

  /** `/_aws/sns/confirm?TopicArn=…&Token=…`: the SubscribeURL an http/https endpoint visits. */
  async handleInternal(req: AwsRequest, rest: string): Promise<AwsResponse> {
    if (rest.replace(/\/$/, "") !== "/confirm") return { status: 404, headers: { "content-type": "text/plain" }, body: "Not Found" };
    // The visit is the confirmation itself (anyone holding the token may make it): answered as the query API answers ConfirmSubscription.
    const codec = this.api.host.codecFor(req);
    try {
      const out = await this.api.call("ConfirmSubscription", { TopicArn: req.query.get("TopicArn") ?? undefined, Token: req.query.get("Token") ?? undefined });
      return codec.encode("ConfirmSubscription", out, req);
    } catch (err) {
      return codec.encodeError(err instanceof AwsError ? err : new AwsError("InternalError", String(err), 500), req);
    }
  }
}
