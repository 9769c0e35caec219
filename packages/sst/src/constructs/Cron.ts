/** SST's Cron: an EventBridge schedule rule that invokes a job function. */
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import { Construct } from "constructs";
import { Function as Fn, type FunctionDefinition } from "./Function.js";
import type { Permissions } from "./util/permission.js";

export interface CronJobProps { function: FunctionDefinition; cdk?: { target?: targets.LambdaFunctionProps }; }

export interface CronProps {
  /** "rate(1 minute)", "cron(15 10 * * ? *)", or the SST shorthand "1 minute". */
  schedule?: string;
  job: FunctionDefinition | CronJobProps;
  enabled?: boolean;
  cdk?: { id?: string; rule?: Partial<events.RuleProps> };
}

export class Cron extends Construct {
  readonly id: string;
  readonly jobFunction: Fn;
  readonly cdk: { rule: events.Rule };

  constructor(scope: Construct, id: string, props: CronProps) {
    super(scope, props.cdk?.id ?? id);
    this.id = id;
    if (!props.schedule && !props.cdk?.rule?.schedule) throw new Error(`No schedule defined for the "${id}" Cron`);
    const rule = new events.Rule(this, "Rule", {
      schedule: props.schedule ? events.Schedule.expression(scheduleExpression(props.schedule, id)) : undefined,
      enabled: props.enabled ?? true,
      ...(props.cdk?.rule ?? {}),
    });
    const isProps = typeof props.job === "object" && !Fn.isFunction(props.job) && "function" in props.job;
    const jp = isProps ? (props.job as CronJobProps) : undefined;
    this.jobFunction = Fn.fromDefinition(this, "Job", jp ? jp.function : (props.job as FunctionDefinition));
    rule.addTarget(new targets.LambdaFunction(this.jobFunction, jp?.cdk?.target));
    this.cdk = { rule };
  }

  attachPermissions(permissions: Permissions): void { this.jobFunction.attachPermissions(permissions); }
  bind(constructs: any[]): void { this.jobFunction.bind(constructs); }

  getConstructMetadata() {
    return { type: "Cron" as const, data: { job: this.jobFunction.functionId, ruleName: this.cdk.rule.ruleName } };
  }
}

function scheduleExpression(s: string, id: string): string {
  const t = s.trim();
  if (/^(rate|cron)\(.+\)$/.test(t)) return t;
  if (/^\d+ (minute|minutes|hour|hours|day|days)$/.test(t)) return `rate(${t})`;
  throw new Error(`Cron "${id}": invalid schedule "${s}". Use "rate(5 minutes)", "cron(0 12 * * ? *)" or "5 minutes".`);
}
