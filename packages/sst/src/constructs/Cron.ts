/**
 * SST's Cron: an EventBridge schedule rule (`rate(…)` or `cron(…)`) invoking a job
 * function (`Job_<cron>`, as in SST v2). Locally the rule fires while the local cloud runs.
 */
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import { Construct } from "constructs";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition } from "./Function.js";
import { SST_CONSTRUCT, type BindingResource, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";
import { callSite, propError, sentenceError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { functionRef } from "./util/function-ref.js";

export interface CronJobProps {
  function: FunctionDefinition;
  cdk?: { target?: targets.LambdaFunctionProps };
}

export interface CronProps {
  job: FunctionInlineDefinition | CronJobProps;
  /** "rate(5 minutes)" or "cron(15 10 * * ? *)". */
  schedule?: `rate(${string})` | `cron(${string})`;
  /** @default true */
  enabled?: boolean;
  cdk?: { id?: string; rule?: events.RuleProps };
}

const CRON_PROPS = new Set(["job", "schedule", "enabled", "cdk"]);
const JOB_PROPS = new Set(["function", "cdk"]);

export class Cron extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Cron";
  readonly cdk: { rule: events.Rule };
  readonly jobFunction: Fn;
  /** @internal */
  readonly ref: ConstructRef;

  constructor(scope: Construct, id: string, props: CronProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Cron", id, site: callSite() };
    checkKnownProps(this.ref, props, CRON_PROPS);
    const { schedule, enabled, cdk, job } = props ?? ({} as CronProps);
    if (!schedule && !cdk?.rule?.schedule) throw sentenceError(this.ref, "schedule", `No schedule defined for the "${this.node.id}" Cron`);
    if (schedule !== undefined && !/^(rate|cron)\(.+\)$/.test(String(schedule).trim())) {
      throw propError(this.ref, "schedule", `"${schedule}" is not a schedule expression: use "rate(5 minutes)" or "cron(0 12 * * ? *)"`);
    }
    this.cdk = {
      rule: new events.Rule(this, "Rule", {
        schedule: schedule && events.Schedule.expression(schedule),
        enabled: enabled !== false,
        ...cdk?.rule,
      }),
    };
    if (!job) throw sentenceError(this.ref, "job", `No job defined for the "${this.node.id}" Cron`);
    const isProps = !Fn.isInlineDefinition(job) && !!(job as CronJobProps).function;
    if (isProps) checkKnownProps(this.ref, job, JOB_PROPS, "job.");
    this.jobFunction = within(this.ref, "job", () => Fn.fromDefinition(this, `Job_${this.node.id}`, isProps ? (job as CronJobProps).function : (job as FunctionDefinition)));
    this.cdk.rule.addTarget(new targets.LambdaFunction(this.jobFunction, isProps ? (job as CronJobProps).cdk?.target : {}));
  }

  bind(constructs: BindingResource[]): void {
    this.jobFunction.bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    this.jobFunction.attachPermissions(permissions);
  }

  getConstructMetadata() {
    const cfnRule = this.cdk.rule.node.defaultChild as events.CfnRule;
    return {
      type: "Cron" as const,
      data: { schedule: cfnRule.scheduleExpression, ruleName: this.cdk.rule.ruleName, job: functionRef(this.jobFunction) },
    };
  }

  /** @internal A Cron binds nothing. */
  getBindings(): undefined {
    return undefined;
  }
}
