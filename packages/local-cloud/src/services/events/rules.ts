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
import { checkRuleName, DEFAULT_BUS, ruleArn, type EventsContext } from "./context.js";
import { invalidPattern, notFound, validation } from "./errors.js";
import { MAX_PATTERN_LENGTH, parsePatternText } from "./pattern-match.js";
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

  rule(name: unknown, busName: unknown): StoredRule {
    const bus = this.buses.bus(busName);
    const ruleName = checkRuleName(name);
    const rule = this.c.store.getRule(bus.Name, ruleName);
    if (!rule) throw notFound(`Rule ${ruleName} does not exist on EventBus ${bus.Name}.`);
    return rule;
  }

  PutRule(input: any, ctx: CallContext) {
    const bus = this.buses.bus(input.EventBusName);
    const name = checkRuleName(input.Name);
    const arn = ruleArn(this.c, bus.Name, name);
    this.c.authorize(ctx, "events:PutRule", arn);
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
    if (!["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"].includes(state)) throw validation(`1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]`);
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
    const name = checkRuleName(input.Name);
    this.c.authorize(ctx, "events:DeleteRule", ruleArn(this.c, bus.Name, name));
    if (!this.c.store.getRule(bus.Name, name)) return {};
    if (input.Force !== true && this.c.store.targets(bus.Name, name).length > 0) throw validation("Rule can't be deleted since it has targets.");
    this.c.store.deleteRule(bus.Name, name);
    this.onChange();
    return {};
  }

  DescribeRule(input: any, ctx: CallContext) {
    const rule = this.rule(input.Name, input.EventBusName);
    this.c.authorize(ctx, "events:DescribeRule", rule.Arn);
    const { Tags: _tags, ...out } = rule;
    return out;
  }

  ListRules(input: any, ctx: CallContext) {
    const bus = this.buses.bus(input.EventBusName);
    this.c.authorize(ctx, "events:ListRules", "*");
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
    this.c.authorize(ctx, action, rule.Arn);
    rule.State = state;
    this.c.store.putRule(rule);
    this.onChange();
    return {};
  }

  PutTargets(input: any, ctx: CallContext) {
    const rule = this.rule(input.Rule, input.EventBusName);
    this.c.authorize(ctx, "events:PutTargets", rule.Arn);
    const targets = Array.isArray(input.Targets) ? input.Targets : [];
    if (targets.length === 0 || targets.length > 10) throw validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10");
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
    this.c.authorize(ctx, "events:RemoveTargets", rule.Arn);
    const ids = Array.isArray(input.Ids) ? input.Ids.map(String) : [];
    if (ids.length === 0) throw validation("1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const FailedEntries = ids
      .filter((id: string) => !this.c.store.deleteTarget(rule.EventBusName, rule.Name, id))
      .map((id: string) => ({ TargetId: id, ErrorCode: "ResourceNotFoundException", ErrorMessage: `Target ${id} does not exist on rule ${rule.Name}.` }));
    return { FailedEntryCount: FailedEntries.length, FailedEntries };
  }

  ListTargetsByRule(input: any, ctx: CallContext) {
    const rule = this.rule(input.Rule, input.EventBusName);
    this.c.authorize(ctx, "events:ListTargetsByRule", rule.Arn);
    const { items, next } = paginate(this.c.store.targets(rule.EventBusName, rule.Name), input.NextToken, input.Limit);
    return { Targets: items, ...(next ? { NextToken: next } : {}) };
  }
}

function targetProblem(t: any): string | undefined {
  if (!t || typeof t.Id !== "string" || !/^[.\-_A-Za-z0-9]{1,64}$/.test(t.Id)) return "1 validation error detected: Value at 'targets.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+";
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
