/**
 * Rules and their targets: PutRule (an EventPattern, or a ScheduleExpression on the
 * default bus), DeleteRule (refused while targets remain, unless forced),
 * DescribeRule, ListRules, Enable/DisableRule, PutTargets, RemoveTargets,
 * ListTargetsByRule.
 */
import { AwsError } from "../../server/aws-error.js";
import type { CallContext } from "../../types.js";
import type { BusOperations } from "./buses.js";
import { paginate, tagMap } from "./buses.js";
import { DEFAULT_BUS, ruleArn, type EventsContext } from "./context.js";
import { invalidPattern, notFound, validation } from "./errors.js";
import { MAX_PATTERN_LENGTH, parsePatternText } from "../../event-patterns/pattern-match.js";
import { parsePath } from "./input-transform.js";
import { parseSchedule } from "./schedule.js";
import type { StoredRule, StoredTarget } from "./store.js";

const TARGET_FIELDS = ["Id", "Arn", "Input", "InputPath", "InputTransformer", "RoleArn", "SqsParameters", "RetryPolicy", "DeadLetterConfig", "EcsParameters", "KinesisParameters", "HttpParameters", "BatchParameters", "RunCommandParameters", "RedshiftDataParameters", "SageMakerPipelineParameters", "AppSyncParameters"];

export class RuleOperations {
  /** Told whenever scheduled rules may have changed, so the scheduler re-reads them. */
  onChange: () => void = () => {};

  constructor(
    private readonly c: EventsContext,
    private readonly buses: BusOperations,
  ) {}

  rule(name: string, busName: string | undefined): StoredRule {
    const bus = this.buses.bus(busName);
    const rule = this.c.store.getRule(bus.Name, name);
    if (!rule) throw notFound(`Rule ${name} does not exist on EventBus ${bus.Name}.`);
    return rule;
  }

  PutRule(input: any, ctx: CallContext) {
    const bus = this.buses.bus(input.EventBusName);
    const name = input.Name;
    const arn = ruleArn(this.c, bus.Name, name);
    const pattern = input.EventPattern === undefined || input.EventPattern === null ? undefined : String(input.EventPattern);
    const schedule = input.ScheduleExpression === undefined || input.ScheduleExpression === null ? undefined : String(input.ScheduleExpression);
    if (pattern === undefined && schedule === undefined) throw validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
    if (pattern !== undefined) {
      const parsed = parsePatternText(pattern, { maxLength: MAX_PATTERN_LENGTH });
      if ("problem" in parsed) throw invalidPattern(parsed.problem);
    }
    if (schedule !== undefined) {
      if (bus.Name !== DEFAULT_BUS) throw validation("ScheduleExpression is supported only on the default event bus.");
      parseSchedule(schedule);
    }
    const state = input.State ?? "ENABLED";
    const old = this.c.store.getRule(bus.Name, name);
    const rule: StoredRule = {
      Name: name,
      Arn: arn,
      EventBusName: bus.Name,
      ...(pattern !== undefined ? { EventPattern: pattern } : {}),
      ...(schedule !== undefined ? { ScheduleExpression: schedule } : {}),
      State: state,
      ...(input.Description !== undefined ? { Description: String(input.Description) } : {}),
      ...(input.RoleArn !== undefined ? { RoleArn: String(input.RoleArn) } : {}),
      CreatedBy: this.c.accountId,
      Tags: { ...(old?.Tags ?? {}), ...tagMap(input.Tags) },
    };
    this.c.store.putRule(rule);
    this.onChange();
    return { RuleArn: arn };
  }

  DeleteRule(input: any, ctx: CallContext) {
    const bus = this.buses.bus(input.EventBusName);
    const name = input.Name;
    if (!this.c.store.getRule(bus.Name, name)) return {};
    if (input.Force !== true && this.c.store.targets(bus.Name, name).length > 0) throw validation("Rule can't be deleted since it has targets.");
    this.c.store.deleteRule(bus.Name, name);
    this.onChange();
    return {};
  }

  DescribeRule(input: any, ctx: CallContext) {
    const rule = this.rule(input.Name, input.EventBusName);
    const { Tags: _tags, ...out } = rule;
    return out;
  }

  ListRules(input: any, ctx: CallContext) {
    const bus = this.buses.bus(input.EventBusName);
    const prefix = typeof input.NamePrefix === "string" ? input.NamePrefix : "";
    const all = this.c.store.listRules(bus.Name).filter((r) => r.Name.startsWith(prefix));
    const { items, next } = paginate(all, input.NextToken, input.Limit);
    return { Rules: items.map(({ Tags: _t, ...r }) => r), ...(next ? { NextToken: next } : {}) };
  }

  EnableRule(input: any, ctx: CallContext) {
    return this.setState(input, ctx, "ENABLED", "events:EnableRule");
  }

  DisableRule(input: any, ctx: CallContext) {
    return this.setState(input, ctx, "DISABLED", "events:DisableRule");
  }

  private setState(input: any, ctx: CallContext, state: StoredRule["State"], action: string) {
    const rule = this.rule(input.Name, input.EventBusName);
    rule.State = state;
    this.c.store.putRule(rule);
    this.onChange();
    return {};
  }

  PutTargets(input: any, ctx: CallContext) {
    const rule = this.rule(input.Rule, input.EventBusName);
    const targets: any[] = input.Targets;
    const existing = this.c.store.targets(rule.EventBusName, rule.Name).length;
    const FailedEntries: unknown[] = [];
    let added = 0;
    for (const t of targets) {
      const problem = targetProblem(t);
      if (problem) throw validation(problem);
      if (!this.c.store.targets(rule.EventBusName, rule.Name).some((x) => x.Id === t.Id) && existing + ++added > 5) {
        throw new AwsError("LimitExceededException", "The requested resource exceeds the maximum number allowed.", 400);
      }
      const stored: StoredTarget = Object.fromEntries(TARGET_FIELDS.filter((k) => t[k] !== undefined).map((k) => [k, t[k]])) as StoredTarget;
      this.c.store.putTarget(rule.EventBusName, rule.Name, stored);
    }
    return { FailedEntryCount: FailedEntries.length, FailedEntries };
  }

  RemoveTargets(input: any, ctx: CallContext) {
    const rule = this.rule(input.Rule, input.EventBusName);
    const ids: string[] = input.Ids;
    const FailedEntries = ids
      .filter((id: string) => !this.c.store.deleteTarget(rule.EventBusName, rule.Name, id))
      .map((id: string) => ({ TargetId: id, ErrorCode: "ResourceNotFoundException", ErrorMessage: `Target ${id} does not exist on rule ${rule.Name}.` }));
    return { FailedEntryCount: FailedEntries.length, FailedEntries };
  }

  ListTargetsByRule(input: any, ctx: CallContext) {
    const rule = this.rule(input.Rule, input.EventBusName);
    const { items, next } = paginate(this.c.store.targets(rule.EventBusName, rule.Name), input.NextToken, input.Limit);
    return { Targets: items, ...(next ? { NextToken: next } : {}) };
  }
}

function targetProblem(t: any): string | undefined {
  if (typeof t.Arn !== "string" || !/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(t.Arn)) return `Parameter ${String(t.Arn)} is not valid. Reason: Provided Arn is not in correct format.`;
  const inputs = ["Input", "InputPath", "InputTransformer"].filter((k) => t[k] !== undefined);
  if (inputs.length > 1) return "Only one of Input, InputPath, or InputTransformer must be provided.";
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      return "Input is not valid JSON text.";
    }
  }
  try {
    if (t.InputPath !== undefined) parsePath(String(t.InputPath));
    for (const p of Object.values(t.InputTransformer?.InputPathsMap ?? {})) parsePath(String(p));
  } catch (e) {
    return (e as Error).message;
  }
  if (t.InputTransformer !== undefined && typeof t.InputTransformer.InputTemplate !== "string") return "InputTemplate is required in an InputTransformer.";
  return undefined;
}
