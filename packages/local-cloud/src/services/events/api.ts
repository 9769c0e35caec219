/**
 * EventBridge's operations: the IAM action and resource of each (a bus, a rule, or the
 * account) and its implementation. Input shapes and constraints come from the generated
 * model (wire/models/events.ts).
 */
import type eventsModel from "../../wire/models/events.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import type { CallContext } from "../../types.js";
import type { BusOperations } from "./buses.js";
import { busArn, busNameOf, ruleArn, type EventsContext } from "./context.js";
import type { PutEventsOperation } from "./put-events.js";
import type { RuleOperations } from "./rules.js";
import type { TagOperations } from "./tags.js";

export interface EventsParts {
  c: EventsContext;
  buses: BusOperations;
  rules: RuleOperations;
  putEvents: PutEventsOperation;
  tags: TagOperations;
}

export function eventsOperations({ c, buses, rules, putEvents, tags }: EventsParts): OperationSpecs<typeof eventsModel, CallContext> {
  const onBus = (action: string) => (i: { Name?: string }): Authorization => ({ action: `events:${action}`, resource: busArn(c, busNameOf(i.Name)) });
  /** A rule by its name and bus (a name or an ARN; the default bus when absent). */
  const onRule = (action: string) => (i: { Name?: string; Rule?: string; EventBusName?: string }): Authorization => ({
    action: `events:${action}`,
    resource: ruleArn(c, busNameOf(i.EventBusName), (i.Name ?? i.Rule)!),
  });
  const onResource = (action: string) => (i: { ResourceARN: string }): Authorization => ({ action: `events:${action}`, resource: i.ResourceARN });
  const everywhere = (action: string) => (): Authorization => ({ action: `events:${action}`, resource: "*" });
  return {
    CreateEventBus: { iam: onBus("CreateEventBus"), run: (i, ctx) => buses.CreateEventBus(i, ctx) },
    DeleteEventBus: { iam: onBus("DeleteEventBus"), run: (i, ctx) => buses.DeleteEventBus(i, ctx) },
    DescribeEventBus: { iam: onBus("DescribeEventBus"), run: (i, ctx) => buses.DescribeEventBus(i, ctx) },
    ListEventBuses: { iam: everywhere("ListEventBuses"), run: (i, ctx) => buses.ListEventBuses(i, ctx) },
    PutRule: { iam: onRule("PutRule"), run: (i, ctx) => rules.PutRule(i, ctx) },
    DeleteRule: { iam: onRule("DeleteRule"), run: (i, ctx) => rules.DeleteRule(i, ctx) },
    DescribeRule: { iam: onRule("DescribeRule"), run: (i, ctx) => rules.DescribeRule(i, ctx) },
    ListRules: { iam: everywhere("ListRules"), run: (i, ctx) => rules.ListRules(i, ctx) },
    EnableRule: { iam: onRule("EnableRule"), run: (i, ctx) => rules.EnableRule(i, ctx) },
    DisableRule: { iam: onRule("DisableRule"), run: (i, ctx) => rules.DisableRule(i, ctx) },
    PutTargets: { iam: onRule("PutTargets"), run: (i, ctx) => rules.PutTargets(i, ctx) },
    RemoveTargets: { iam: onRule("RemoveTargets"), run: (i, ctx) => rules.RemoveTargets(i, ctx) },
    ListTargetsByRule: { iam: onRule("ListTargetsByRule"), run: (i, ctx) => rules.ListTargetsByRule(i, ctx) },
    // Every bus is checked: PutEvents fails as a whole when any is denied.
    PutEvents: { iam: (i) => i.Entries.map((e) => ({ action: "events:PutEvents", resource: busArn(c, busNameOf(e.EventBusName)) })), run: (i, ctx) => putEvents.PutEvents(i, ctx) },
    TestEventPattern: { iam: everywhere("TestEventPattern"), run: (i, ctx) => putEvents.TestEventPattern(i, ctx) },
    TagResource: { iam: onResource("TagResource"), run: (i, ctx) => tags.TagResource(i, ctx) },
    UntagResource: { iam: onResource("UntagResource"), run: (i, ctx) => tags.UntagResource(i, ctx) },
    ListTagsForResource: { iam: onResource("ListTagsForResource"), run: (i, ctx) => tags.ListTagsForResource(i, ctx) },
  };
}
