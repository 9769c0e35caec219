/**
 * SST's EventBus: an EventBridge bus named `{stage}-{app}-{id}`, rules whose targets are
 * functions, queues, CDK functions or log groups, and `subscribe(type, handler)` for
 * events made with `sst/node/event-bus`'s `createEventBuilder`.
 *
 * Logical ids and names follow SST v2 so that an app deployed with it updates in place:
 * a rule is the construct `<ruleKey>` in the scope it was added from (named
 * `{stage}-{app}-<ruleKey>`), a target function `Target_<busId>_<ruleKey>_<targetName>`,
 * a subscriber `<type with non-letters as _>_<n>` with rule `…_rule` and target `…_target`.
 *
 * Retries (`subscribe(…, { retries })`, a target's `retries` or `defaults.retries`) work
 * as in SST v2: a failed asynchronous invocation goes to the bus's retrier queue (the
 * function's on-failure destination), and the retrier function re-invokes it after
 * 2^attempt seconds (at most 15 minutes) with `attempts` set on the event, until
 * `SST_RETRIES` is reached. SST v2 documents retries for every function target but wires
 * them for subscribers only, and drops `subscribe(type, fn, { retries })`'s third
 * argument; both are honoured here (docs/constructs.md lists the difference).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Construct } from "constructs";
import { Duration, Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { ILogGroup } from "aws-cdk-lib/aws-logs";
import {
  CloudWatchLogGroup as LogGroupTarget,
  LambdaFunction as LambdaFunctionTarget,
  SqsQueue as SqsQueueTarget,
  type LambdaFunctionProps as LambdaFunctionTargetProps,
  type LogGroupProps as LogGroupTargetProps,
  type SqsQueueProps as SqsQueueTargetProps,
} from "aws-cdk-lib/aws-events-targets";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionProps } from "./Function.js";
import { Queue } from "./Queue.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import type { BindingResource, Permissions } from "./util/permission.js";

const RETRIER_CODE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../support/event-bus-retrier");

export interface EventBusFunctionTargetProps {
  type?: "function";
  /** The function to trigger. */
  function?: FunctionDefinition;
  /** Re-deliveries of a failed event, with backoff. @default `defaults.retries` */
  retries?: number;
  cdk?: {
    /** An existing Lambda function as the target instead of `function`. */
    function?: lambda.IFunction;
    target?: LambdaFunctionTargetProps;
  };
}

export interface EventBusQueueTargetProps {
  type: "queue";
  queue: Queue;
  cdk?: { target?: SqsQueueTargetProps };
}

export interface EventBusLogGroupTargetProps {
  type: "log_group";
  cdk: { logGroup: ILogGroup; target?: LogGroupTargetProps };
}

export type EventBusTarget =
  | FunctionDefinition
  | EventBusFunctionTargetProps
  | Queue
  | EventBusQueueTargetProps
  | EventBusLogGroupTargetProps;

export interface EventBusRuleProps {
  /** Matched against events; takes precedence over `cdk.rule.eventPattern`. */
  pattern?: { source?: string[]; detail?: Record<string, any>; detailType?: string[] };
  targets?: Record<string, EventBusTarget>;
  cdk?: { rule?: Omit<events.RuleProps, "eventBus" | "targets"> };
}

export interface EventBusProps {
  defaults?: {
    /** Props applied to every target function (not to subscribers). */
    function?: FunctionProps;
    /** Retries with exponential backoff for every function target and subscriber. @default no retries */
    retries?: number;
  };
  rules?: Record<string, EventBusRuleProps>;
  cdk?: {
    /** Overrides the construct id (the bus keeps `id` for binding). */
    id?: string;
    /** An existing bus, or props for the bus this creates. */
    eventBus?: events.IEventBus | events.EventBusProps;
  };
}

export interface EventBusSubscribeProps {
  /** Re-deliveries of a failed event before giving up. @default `defaults.retries` */
  retries?: number;
}

type TargetEntry = Fn | Queue | lambda.IFunction | ILogGroup;

export class EventBus extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "EventBus";
  readonly cdk: { eventBus: events.IEventBus };
  private readonly props: EventBusProps;
  private readonly rulesData: Record<string, events.Rule> = {};
  private readonly targetsData: Record<string, Record<string, TargetEntry>> = {};
  private readonly bindingForAllTargets: BindingResource[] = [];
  private readonly permissionsForAllTargets: Permissions[] = [];
  /** Subscriptions per event type (or "multi"), numbering their constructs. */
  private readonly subscriptions = new Map<string, number>();
  private retrier?: { fn: lambda.Function; queue: sqs.Queue };

  constructor(scope: Construct, id: string, props: EventBusProps = {}) {
    super(scope, props.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.props = props;
    this.cdk = { eventBus: this.createEventBus() };
    this.addRules(this, props.rules ?? {});
  }

  get eventBusArn(): string {
    return this.cdk.eventBus.eventBusArn;
  }

  get eventBusName(): string {
    return this.cdk.eventBus.eventBusName;
  }

  getRule(key: string): events.Rule | undefined {
    return this.rulesData[key];
  }

  /** A target function created by this bus (SST functions only). */
  getFunction(ruleKey: string, targetName: string): Fn | undefined {
    const t = this.targetsData[ruleKey]?.[targetName];
    return Fn.isFunction(t) ? t : undefined;
  }

  addRules(scope: Construct, rules: Record<string, EventBusRuleProps>): void {
    for (const [key, rule] of Object.entries(rules)) this.addRule(scope, key, rule);
  }

  addTargets(scope: Construct, ruleKey: string, targets: Record<string, EventBusTarget>): void {
    const rule = this.getRule(ruleKey);
    if (!rule) throw new Error(`Cannot find the rule "${ruleKey}" in the "${this.node.id}" EventBus.`);
    for (const [name, target] of Object.entries(targets)) this.addTarget(scope, ruleKey, rule, name, target);
  }

  /**
   * Runs `target` for every event of `type` (a detail type, or several), as published by
   * `createEventBuilder`. `retries` re-delivers failed events with backoff.
   */
  subscribe(type: string | string[], target: FunctionDefinition, props?: EventBusSubscribeProps): EventBus;
  subscribe(scope: Construct, type: string | string[], target: FunctionDefinition, props?: EventBusSubscribeProps): EventBus;
  subscribe(
    scopeOrType: Construct | string | string[],
    typeOrTarget: string | string[] | FunctionDefinition,
    targetOrProps?: FunctionDefinition | EventBusSubscribeProps,
    maybeProps?: EventBusSubscribeProps,
  ): EventBus {
    const withScope = scopeOrType instanceof Construct;
    const scope = withScope ? scopeOrType : this;
    const types = [withScope ? (typeOrTarget as string | string[]) : (scopeOrType as string | string[])].flat();
    const target = (withScope ? targetOrProps : typeOrTarget) as FunctionDefinition;
    const props = withScope ? maybeProps : (targetOrProps as EventBusSubscribeProps | undefined);

    const joined = types.length > 1 ? "multi" : types.join("_");
    const count = (this.subscriptions.get(joined) ?? 0) + 1;
    this.subscriptions.set(joined, count);
    const name = `${joined.replace(/[^a-zA-Z_]/g, "_")}_${count}`;

    const retries = props?.retries || this.props.defaults?.retries;
    // As in SST v2, the on-failure destination goes in as an inherited prop, so a
    // Function instance cannot be given together with retries.
    const fn = retries
      ? Fn.fromDefinition(scope, name, target, { onFailure: new SqsDestination(this.getRetrier().queue) } as FunctionProps)
      : Fn.fromDefinition(scope, name, target);
    if (retries) this.retryFailures(fn, retries);
    this.addRule(scope, `${name}_rule`, {
      pattern: { detailType: types },
      targets: { [`${name}_target`]: { type: "function", function: fn } },
    });
    return this;
  }

  bind(constructs: BindingResource[]): void {
    for (const fn of this.targetFunctions()) fn.bind(constructs);
    this.bindingForAllTargets.push(...constructs);
  }

  bindToTarget(ruleKey: string, targetName: string, constructs: BindingResource[]): void {
    this.functionTarget(ruleKey, targetName, "bind to").bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    for (const fn of this.targetFunctions()) fn.attachPermissions(permissions);
    this.permissionsForAllTargets.push(permissions);
  }

  attachPermissionsToTarget(ruleKey: string, targetName: string, permissions: Permissions): void {
    this.functionTarget(ruleKey, targetName, "attach permissions to").attachPermissions(permissions);
  }

  getConstructMetadata() {
    return {
      type: "EventBus" as const,
      data: {
        eventBusName: this.cdk.eventBus.eventBusName,
        rules: Object.entries(this.targetsData).map(([key, rule]) => ({
          key,
          targets: Object.values(rule).filter(Fn.isFunction).map((f) => ({ node: f.node.addr, stack: Stack.of(f).stackName })),
          targetNames: Object.keys(rule),
        })),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "event-bus",
      variables: { eventBusName: { type: "plain", value: this.eventBusName } },
      permissions: { "events:*": [this.eventBusArn] },
    };
  }

  private targetFunctions(): Fn[] {
    return Object.values(this.targetsData).flatMap((rule) => Object.values(rule).filter(Fn.isFunction));
  }

  private functionTarget(ruleKey: string, targetName: string, verb: string): Fn {
    const rule = this.targetsData[ruleKey];
    if (!rule) throw new Error(`Cannot find the rule "${ruleKey}" in the "${this.node.id}" EventBus.`);
    const target = rule[targetName];
    if (!Fn.isFunction(target)) {
      throw new Error(`Cannot ${verb} the "${this.node.id}" EventBus target because it's not a Lambda function`);
    }
    return target;
  }

  private createEventBus(): events.IEventBus {
    const given = this.props.cdk?.eventBus;
    if (given && Construct.isConstruct(given)) return given as events.IEventBus;
    const busProps = (given ?? {}) as events.EventBusProps;
    return new events.EventBus(this, "EventBus", {
      // A partner bus (eventSourceName) takes its name from the source; both cannot be set.
      eventBusName: busProps.eventSourceName ? undefined : App.of(this).logicalPrefixedName(this.node.id),
      ...busProps,
    });
  }

  private addRule(scope: Construct, ruleKey: string, rule: EventBusRuleProps): void {
    if ((rule.cdk?.rule as events.RuleProps | undefined)?.eventBus) {
      throw new Error(`Cannot configure the "rule.cdk.rule.eventBus" in the "${this.node.id}" EventBus`);
    }
    if (this.targetsData[ruleKey]) throw new Error(`A rule already exists for "${ruleKey}"`);
    const eventsRule = new events.Rule(scope, ruleKey, {
      ruleName: App.of(this).logicalPrefixedName(ruleKey),
      ...rule.cdk?.rule,
      eventPattern: rule.pattern ? { ...rule.pattern } : rule.cdk?.rule?.eventPattern,
      eventBus: this.cdk.eventBus,
      targets: [],
    });
    this.rulesData[ruleKey] = eventsRule;
    this.targetsData[ruleKey] = {};
    this.addTargets(scope, ruleKey, rule.targets ?? {});
  }

  private addTarget(scope: Construct, ruleKey: string, rule: events.Rule, name: string, target: EventBusTarget): void {
    const existing = this.targetsData[ruleKey]!;
    if (existing[name]) throw new Error(`A target with name "${name}" already exists in rule "${ruleKey}"`);
    const t = target as any;
    if (target instanceof Queue || t.queue) {
      const queue: Queue = target instanceof Queue ? target : t.queue;
      const targetProps = target instanceof Queue ? undefined : (target as EventBusQueueTargetProps).cdk?.target;
      existing[name] = queue;
      rule.addTarget(new SqsQueueTarget(queue.cdk.queue, targetProps));
    } else if (t.cdk?.logGroup) {
      const { logGroup, target: targetProps } = (target as EventBusLogGroupTargetProps).cdk;
      existing[name] = logGroup;
      rule.addTarget(new LogGroupTarget(logGroup, targetProps));
    } else if (t.cdk?.function) {
      const p = target as EventBusFunctionTargetProps;
      existing[name] = p.cdk!.function!;
      rule.addTarget(new LambdaFunctionTarget(p.cdk!.function!, p.cdk?.target));
    } else {
      this.addFunctionTarget(scope, ruleKey, rule, name, target as FunctionDefinition | EventBusFunctionTargetProps);
    }
  }

  private addFunctionTarget(
    scope: Construct, ruleKey: string, rule: events.Rule, name: string,
    target: FunctionDefinition | EventBusFunctionTargetProps,
  ): void {
    const isTargetProps = typeof target === "object" && !Fn.isFunction(target) && "function" in target && !!target.function;
    const definition = isTargetProps ? (target as EventBusFunctionTargetProps).function! : (target as FunctionDefinition);
    const targetProps = isTargetProps ? (target as EventBusFunctionTargetProps).cdk?.target : undefined;
    const fn = Fn.fromDefinition(
      scope, `Target_${this.node.id}_${ruleKey}_${name}`, definition, this.props.defaults?.function,
      `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the targets using FunctionProps, so the EventBus construct can apply the "defaults.function" to them.`,
    );
    this.targetsData[ruleKey]![name] = fn;
    rule.addTarget(new LambdaFunctionTarget(fn, targetProps));
    const retries = (isTargetProps && (target as EventBusFunctionTargetProps).retries) || this.props.defaults?.retries;
    if (retries && !fn.node.tryFindChild("EventInvokeConfig")) this.retryFailures(fn, retries);
    for (const p of this.permissionsForAllTargets) fn.attachPermissions(p);
    fn.bind(this.bindingForAllTargets);
  }

  /** Failed asynchronous invocations of `fn` go to the retrier, which re-delivers them up to `retries` times. */
  private retryFailures(fn: Fn, retries: number): void {
    // Function may already have passed `onFailure` on to CDK (the same resource, id
    // "EventInvokeConfig" under the function); otherwise configure it here.
    if (!fn.node.tryFindChild("EventInvokeConfig")) fn.configureAsyncInvoke({ onFailure: new SqsDestination(this.getRetrier().queue) });
    fn.addEnvironment("SST_RETRIES", retries.toString());
  }

  /** One queue and function per bus that re-deliver failed invocations. */
  private getRetrier(): { fn: lambda.Function; queue: sqs.Queue } {
    if (this.retrier) return this.retrier;
    const app = App.of(this);
    const queue = new sqs.Queue(this, "RetrierQueue", { queueName: app.logicalPrefixedName(`${this.node.id}Retrier`) });
    const fn = new lambda.Function(this, "RetrierFunction", {
      functionName: app.logicalPrefixedName(`${this.node.id}Retrier`),
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: Duration.seconds(30),
      handler: "index.handler",
      code: lambda.Code.fromAsset(RETRIER_CODE),
      environment: { RETRIER_QUEUE_URL: queue.queueUrl },
    });
    // Only this app's and stage's functions may be re-invoked.
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["lambda:InvokeFunction", "lambda:GetFunction"],
        resources: [`arn:${Stack.of(this).partition}:lambda:${app.region}:${app.account}:function:*`],
        conditions: { StringEquals: { "aws:ResourceTag/sst:app": app.name, "aws:ResourceTag/sst:stage": app.stage } },
      }),
    );
    fn.addEventSource(new SqsEventSource(queue));
    queue.grantSendMessages(fn);
    this.retrier = { fn, queue };
    return this.retrier;
  }
}
