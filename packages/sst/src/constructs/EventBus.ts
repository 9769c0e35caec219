/**
 * SST's EventBus: an EventBridge bus named `${stage}-${app}-${id}` with rules whose
 * targets are functions or queues.
 */
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionProps } from "./Function.js";
import { Queue } from "./Queue.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";

export interface EventBusFunctionTargetProps { type?: "function"; function: FunctionDefinition; cdk?: { target?: targets.LambdaFunctionProps }; }
export interface EventBusQueueTargetProps { type: "queue"; queue: Queue; cdk?: { target?: targets.SqsQueueProps }; }
export type EventBusTarget = FunctionDefinition | Queue | EventBusFunctionTargetProps | EventBusQueueTargetProps;

export interface EventBusRuleProps {
  pattern?: { source?: string[]; detail?: Record<string, any>; detailType?: string[] };
  targets?: Record<string, EventBusTarget>;
  cdk?: { rule?: Partial<events.RuleProps> };
}

export interface EventBusProps {
  rules?: Record<string, EventBusRuleProps>;
  defaults?: { function?: FunctionProps; retries?: number };
  cdk?: { id?: string; eventBus?: events.IEventBus | events.EventBusProps };
}

export class EventBus extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "EventBus";
  readonly cdk: { eventBus: events.IEventBus };
  private readonly props: EventBusProps;
  private readonly rules: Record<string, events.Rule> = {};
  private readonly functions: Record<string, Fn> = {};
  private readonly bindingsForAll: any[] = [];
  private readonly permissionsForAll: Permissions[] = [];

  constructor(scope: Construct, id: string, props: EventBusProps = {}) {
    super(scope, props.cdk?.id ?? id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.props = props;
    const b = props.cdk?.eventBus;
    this.cdk = {
      eventBus: b && Construct.isConstruct(b)
        ? (b as events.IEventBus)
        : new events.EventBus(this, "EventBus", { eventBusName: App.of(this).logicalPrefixedName(this.node.id), ...((b ?? {}) as events.EventBusProps) }),
    };
    if (props.rules) this.addRules(this, props.rules);
  }

  get eventBusArn(): string { return this.cdk.eventBus.eventBusArn; }
  get eventBusName(): string { return this.cdk.eventBus.eventBusName; }

  addRules(scope: Construct, rules: Record<string, EventBusRuleProps>): void {
    for (const [name, r] of Object.entries(rules)) {
      if (this.rules[name]) throw new Error(`EventBus "${this.id}": a rule named "${name}" already exists`);
      const rule = new events.Rule(scope, `Rule_${this.node.id}_${name}`, {
        eventBus: this.cdk.eventBus,
        eventPattern: r.pattern ? { source: r.pattern.source, detail: r.pattern.detail, detailType: r.pattern.detailType } : undefined,
        ...(r.cdk?.rule ?? {}),
      });
      this.rules[name] = rule;
      if (r.targets) this.addTargets(scope, name, r.targets);
    }
  }

  addTargets(scope: Construct, ruleName: string, ts: Record<string, EventBusTarget>): void {
    const rule = this.rules[ruleName];
    if (!rule) throw new Error(`EventBus "${this.id}": cannot find a rule named "${ruleName}"`);
    const retryAttempts = this.props.defaults?.retries;
    for (const [name, t] of Object.entries(ts)) {
      if (t instanceof Queue) {
        rule.addTarget(new targets.SqsQueue(t.cdk.queue, { retryAttempts }));
      } else if (typeof t === "object" && (t as EventBusQueueTargetProps).type === "queue") {
        const q = t as EventBusQueueTargetProps;
        rule.addTarget(new targets.SqsQueue(q.queue.cdk.queue, { retryAttempts, ...(q.cdk?.target ?? {}) }));
      } else {
        const isProps = typeof t === "object" && !Fn.isFunction(t) && "function" in t;
        const p = isProps ? (t as EventBusFunctionTargetProps) : undefined;
        const fn = Fn.fromDefinition(scope, `Target_${this.node.id}_${ruleName}_${name}`, p ? p.function : (t as FunctionDefinition),
          this.props.defaults?.function);
        rule.addTarget(new targets.LambdaFunction(fn, { retryAttempts, ...(p?.cdk?.target ?? {}) }));
        for (const perm of this.permissionsForAll) fn.attachPermissions(perm);
        if (this.bindingsForAll.length) fn.bind(this.bindingsForAll);
        this.functions[`${ruleName}/${name}`] = fn;
      }
    }
  }

  getFunction(ruleName: string, targetName: string): Fn | undefined { return this.functions[`${ruleName}/${targetName}`]; }

  attachPermissions(permissions: Permissions): void {
    for (const fn of Object.values(this.functions)) fn.attachPermissions(permissions);
    this.permissionsForAll.push(permissions);
  }

  bind(constructs: any[]): void {
    for (const fn of Object.values(this.functions)) fn.bind(constructs);
    this.bindingsForAll.push(...constructs);
  }

  getConstructMetadata() {
    return { type: "EventBus" as const, data: { eventBusName: this.eventBusName, rules: Object.keys(this.rules) } };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "event-bus",
      variables: { eventBusName: { type: "plain", value: this.eventBusName } },
      permissions: { "events:*": [this.eventBusArn] },
    };
  }
}
