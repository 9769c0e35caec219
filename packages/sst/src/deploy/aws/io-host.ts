/**
 * The toolkit's voice, in the CLI's words. toolkit-lib reports everything through an
 * IoHost as coded messages; this one keeps SST v2's concise output — one line a stack
 * when it is deployed or removed, and every failed resource with its stack, logical id
 * and reason — and sends the rest (asset uploads, change sets, timings) to --verbose.
 * Questions (confirmations) get their default answer: `sst deploy` does not prompt.
 */
import type { Ui } from "../../cli/ui.js";

export interface ResourceFailure {
  stackName: string;
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string;
}

export interface StackDone {
  stackName: string;
  /** "deployed" | "unchanged" | "removed" */
  result: string;
}

interface Message {
  level: string;
  code?: string;
  message: string;
  data?: any;
}

export interface CliIoHost {
  notify(msg: Message): Promise<void>;
  requestResponse<T>(msg: Message & { defaultResponse: T }): Promise<T>;
  /** Resource failures seen so far, in order (a failed deploy lists them before its error). */
  readonly failures: ResourceFailure[];
  readonly stacks: StackDone[];
  /** Stacks that rolled back, with the status the rollback ended in (UPDATE_ROLLBACK_COMPLETE, ROLLBACK_FAILED, …). */
  readonly rollbacks: Map<string, string>;
}

/** Rollback noise: resources CloudFormation cancelled because another one failed. */
const CANCELLED = /cancelled|Rollback requested|The following resource\(s\) failed/i;

export function stackNameFromArn(arn: unknown): string | undefined {
  return typeof arn === "string" ? arn.split(":stack/")[1]?.split("/")[0] : undefined;
}

/** A resource's own event that ends a step (created, updated, deleted, failed, skipped), not one that starts it. */
const SETTLED = /_(COMPLETE|FAILED|SKIPPED)$/;

/**
 * `progress`: one line a resource as it settles (`sst deploy`, `sst remove`); without
 * it those lines go to --verbose (`sst dev`'s redeploys stay quiet).
 */
export function createIoHost(ui: Ui, opts: { trace?: boolean; progress?: boolean } = {}): CliIoHost {
  const failures: ResourceFailure[] = [];
  const stacks: StackDone[] = [];
  const rollbacks = new Map<string, string>();
  const done = (stackName: string | undefined, result: string) => {
    if (!stackName) return;
    stacks.push({ stackName, result });
    ui.line(`${ui.color.gray("|")}  ${stackName} ${result === "unchanged" ? ui.color.gray("no changes") : ui.color.green(result)}`);
  };

  const onActivity = (event: any) => {
    const status = String(event?.ResourceStatus ?? "");
    const line = [event?.StackName, event?.LogicalResourceId, event?.ResourceType, status, event?.ResourceStatusReason].filter(Boolean).join("  ");
    const isStack = event?.ResourceType === "AWS::CloudFormation::Stack" && event?.LogicalResourceId === event?.StackName;
    if (isStack && /ROLLBACK_(COMPLETE|FAILED)$/.test(status) && !status.startsWith("DELETE")) {
      rollbacks.set(event.StackName, status);
      ui.line(ui.color.red(`|  ${event.StackName} rolled back: ${status}`));
      return;
    }
    if (!status.endsWith("_FAILED")) {
      if (opts.progress && !isStack && SETTLED.test(status)) return ui.line(ui.color.gray(`|  ${event.StackName} ${event.LogicalResourceId} ${event.ResourceType} ${status}`));
      return ui.debug(`|  ${line}`);
    }
    const reason = String(event?.ResourceStatusReason ?? "");
    // The stack's own FAILED event repeats its resources' reasons; cancellations are not causes.
    if (event?.ResourceType === "AWS::CloudFormation::Stack" || CANCELLED.test(reason)) return ui.debug(`|  ${line}`);
    failures.push({ stackName: event.StackName, logicalId: event.LogicalResourceId, resourceType: event.ResourceType, status, reason });
    ui.line(ui.color.red(`|  ${event.StackName} ${event.LogicalResourceId} ${event.ResourceType} ${status}`));
    if (reason) ui.line(ui.color.red(`|    ${reason}`));
  };

  return {
    failures,
    stacks,
    rollbacks,
    async notify(msg) {
      switch (msg.code) {
        case "CDK_TOOLKIT_I5502": // stack activity: one CloudFormation event
          return onActivity(msg.data?.event);
        case "CDK_TOOLKIT_I5900": // a stack deployed (or skipped: nothing changed)
          return done(stackNameFromArn(msg.data?.stackArn), msg.data?.noOp ? "unchanged" : "deployed");
        case "CDK_TOOLKIT_I7900": // a stack destroyed
          return done(msg.data?.stackName ?? stackNameFromArn(msg.data?.stackArn) ?? msg.message.trim(), "removed");
      }
      if (msg.level === "trace" && !opts.trace) return;
      ui.debug(`${msg.code ?? msg.level}  ${msg.message}`);
    },
    async requestResponse(msg) {
      ui.debug(`${msg.code}  ${msg.message} (answered: ${JSON.stringify(msg.defaultResponse)})`);
      return msg.defaultResponse;
    },
  };
}

/** The failures as one message block: "Stack Logical (Type): reason" a line. */
export function describeFailures(failures: ResourceFailure[]): string {
  return failures.map((f) => `${f.stackName} ${f.logicalId} (${f.resourceType}): ${f.reason || f.status}`).join("\n");
}
