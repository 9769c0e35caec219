/**
 * SNS's operations: the IAM action and resource of each (a topic, or the topic of a
 * subscription) and its implementation. Input shapes come from the generated model
 * (wire/models/sns.ts).
 */
import type snsModel from "../../wire/models/sns.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import type { CallContext } from "../../types.js";
import { topicArnOf, type SnsContext } from "./context.js";
import type { PublishOperations } from "./publish.js";
import type { SubscriptionOperations } from "./subscriptions.js";
import type { TopicOperations } from "./topics.js";

export interface SnsParts {
  c: SnsContext;
  topics: TopicOperations;
  subscriptions: SubscriptionOperations;
  publisher: PublishOperations;
}

/** A subscription ARN is its topic's ARN and an id: "arn:aws:sns:…:topic:uuid". */
const topicOfSubscription = (arn: string) => arn.slice(0, arn.lastIndexOf(":"));

export function snsOperations({ c, topics, subscriptions, publisher }: SnsParts): OperationSpecs<typeof snsModel, CallContext> {
  const onTopic = (action: string) => (i: { TopicArn?: string }): Authorization => ({ action: `sns:${action}`, resource: i.TopicArn ?? "*" });
  const onResource = (action: string) => (i: { ResourceArn: string }): Authorization => ({ action: `sns:${action}`, resource: i.ResourceArn });
  const onSubscriptionTopic = (action: string) => (i: { SubscriptionArn: string }): Authorization => ({ action: `sns:${action}`, resource: topicOfSubscription(i.SubscriptionArn) });
  const everywhere = (action: string) => (): Authorization => ({ action: `sns:${action}`, resource: "*" });
  return {
    CreateTopic: { iam: (i) => ({ action: "sns:CreateTopic", resource: topicArnOf(c, i.Name) }), run: (i, ctx) => topics.CreateTopic(i, ctx) },
    DeleteTopic: { iam: onTopic("DeleteTopic"), run: (i, ctx) => topics.DeleteTopic(i, ctx) },
    ListTopics: { iam: everywhere("ListTopics"), run: (i, ctx) => topics.ListTopics(i, ctx) },
    GetTopicAttributes: { iam: onTopic("GetTopicAttributes"), run: (i, ctx) => topics.GetTopicAttributes(i, ctx) },
    SetTopicAttributes: { iam: onTopic("SetTopicAttributes"), run: (i, ctx) => topics.SetTopicAttributes(i, ctx) },
    TagResource: { iam: onResource("TagResource"), run: (i, ctx) => topics.TagResource(i, ctx) },
    UntagResource: { iam: onResource("UntagResource"), run: (i, ctx) => topics.UntagResource(i, ctx) },
    ListTagsForResource: { iam: onResource("ListTagsForResource"), run: (i, ctx) => topics.ListTagsForResource(i, ctx) },
    Subscribe: { iam: onTopic("Subscribe"), run: (i, ctx) => subscriptions.Subscribe(i, ctx) },
    ConfirmSubscription: { iam: onTopic("ConfirmSubscription"), run: (i, ctx) => subscriptions.ConfirmSubscription(i, ctx) },
    Unsubscribe: { iam: (i) => ({ action: "sns:Unsubscribe", resource: i.SubscriptionArn }), run: (i, ctx) => subscriptions.Unsubscribe(i, ctx) },
    ListSubscriptions: { iam: everywhere("ListSubscriptions"), run: (i, ctx) => subscriptions.ListSubscriptions(i, ctx) },
    ListSubscriptionsByTopic: { iam: onTopic("ListSubscriptionsByTopic"), run: (i, ctx) => subscriptions.ListSubscriptionsByTopic(i, ctx) },
    GetSubscriptionAttributes: { iam: onSubscriptionTopic("GetSubscriptionAttributes"), run: (i, ctx) => subscriptions.GetSubscriptionAttributes(i, ctx) },
    SetSubscriptionAttributes: { iam: onSubscriptionTopic("SetSubscriptionAttributes"), run: (i, ctx) => subscriptions.SetSubscriptionAttributes(i, ctx) },
    // Publish names its topic as TopicArn or TargetArn.
    Publish: { iam: (i) => ({ action: "sns:Publish", resource: i.TopicArn ?? i.TargetArn ?? "*" }), run: (i, ctx) => publisher.Publish(i, ctx) },
    PublishBatch: { iam: onTopic("Publish"), run: (i, ctx) => publisher.PublishBatch(i, ctx) },
  };
}
