/**
 * AWS Step Functions (awsJson1_0, X-Amz-Target "AWSStepFunctions.<Operation>", signing
 * name `states`): state machines CloudFormation or the API creates, run by the local
 * States Language interpreter (asl/), their tasks calling the local services as the
 * state machine's role.
 */
import { randomBytes } from "node:crypto";
import { assumedRoleArn } from "../../iam/principals.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import { AwsError } from "../../server/aws-error.js";
import type { AwsRequest, AwsResponse, CallContext, Principal, Service } from "../../types.js";
import { jsonServiceErrors } from "../../wire/json-service-errors.js";
import model from "../../wire/models/stepfunctions.js";
import type { OperationSpecs } from "../../wire/operations.js";
import { ExecutionLogs } from "./execution-logs.js";
import { MapRuns } from "./map-runs.js";
import { Executions } from "./executions.js";
import { describeExecution, StepFunctionsOperations } from "./operations.js";
import { StepFunctionsStore } from "./store.js";
import { ActivityQueues, TaskTokens } from "./task-tokens.js";
import type { TaskDeps } from "./tasks.js";
import { testState } from "./test-state.js";
import { splitQualified } from "./versions.js";

/** Whether a trust policy lets Step Functions (global or regional principal) assume the role. */
export function trustsStepFunctions(document: string, region: string): boolean {
  let doc: any;
  try {
    doc = JSON.parse(document);
  } catch {
    try {
      doc = JSON.parse(decodeURIComponent(document));
    } catch {
      return false;
    }
  }
  const statements = Array.isArray(doc?.Statement) ? doc.Statement : [doc?.Statement];
  return statements.some((s: any) => {
    if (s?.Effect !== "Allow") return false;
    const actions = [s.Action].flat();
    if (!actions.some((a: unknown) => a === "sts:AssumeRole" || a === "sts:*" || a === "*")) return false;
    const services = [s.Principal?.Service].flat();
    return s.Principal === "*" || s.Principal?.AWS === "*" || services.includes("states.amazonaws.com") || services.includes(`states.${region}.amazonaws.com`);
  });
}

export class StepFunctionsService implements Service {
  readonly signingName = "states";
  readonly ops: StepFunctionsOperations;
  private readonly executions: Executions;
  /** Execution logs on their way to CloudWatch Logs (flush() before reading them). */
  readonly executionLogs: ExecutionLogs;
  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps, opts: { timeScale?: number } = {}) {
    const store = new StepFunctionsStore(kernel.openDatabase("stepfunctions"));
    const tokens = new TaskTokens();
    const activities = new ActivityQueues();
    this.executionLogs = new ExecutionLogs(() => kernel.clients.logs as unknown as { call(op: string, input: unknown): Promise<any> });
    // A role session with a key of its own: an empty key is how S3 tells an anonymous caller.
    const principalFor = (roleArn: string): Principal => ({
      accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`, arn: assumedRoleArn(roleArn, randomBytes(16).toString("hex")), admin: false, roleArn,
    });
    const taskDeps: TaskDeps = {
      region: kernel.region,
      call: (client, operation, input, principal) =>
        (kernel.clients as unknown as Record<string, { call(op: string, i: unknown, ctx: Partial<CallContext>): Promise<any> }>)[client]!.call(operation, input, { principal, region: kernel.region }),
      principalFor,
      mayAssume: (principal, roleArn) => kernel.identity.evaluate(principal, "sts:AssumeRole", roleArn) === "Allow" && !!kernel.identity.role(roleArn),
      tokens,
      activities,
      untilFinished: async (arn, signal) => {
        await this.executions.untilFinished(arn, signal);
        const row = store.execution(arn);
        if (!row) throw new AwsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
        return describeExecution(row);
      },
    };
    const mapRuns = new MapRuns(store, taskDeps);
    this.executions = new Executions(store, taskDeps, this.executionLogs, mapRuns, opts);
    const roleTrustsStates = (roleArn: string) => {
      const role = kernel.identity.role(roleArn);
      return !!role && trustsStepFunctions(role.assumeRolePolicyDocument, kernel.region);
    };
    this.ops = new StepFunctionsOperations(store, this.executions, tokens, activities, kernel.region, kernel.accountId, roleTrustsStates);
    const ops = this.ops;
    const on = (action: string, arn: (i: any) => string) => (i: any) => ({ action: `states:${action}`, resource: arn(i) });
    const anywhere = (action: string) => () => ({ action: `states:${action}`, resource: "*" });
    const machine = (i: { stateMachineArn: string }) => i.stateMachineArn;
    const execution = (i: { executionArn: string }) => i.executionArn;
    const operations: OperationSpecs<typeof model, CallContext> = {
      CreateStateMachine: { iam: on("CreateStateMachine", (i) => ops.machineArn(i.name)), run: (i) => ops.CreateStateMachine(i as any) },
      DescribeStateMachine: { iam: on("DescribeStateMachine", machine), run: (i) => ops.DescribeStateMachine(i) },
      UpdateStateMachine: { iam: on("UpdateStateMachine", machine), run: (i) => ops.UpdateStateMachine(i as any) },
      DeleteStateMachine: { iam: on("DeleteStateMachine", machine), run: (i) => ops.DeleteStateMachine(i) },
      ListStateMachines: { iam: anywhere("ListStateMachines"), run: (i) => ops.ListStateMachines(i) },
      DescribeStateMachineForExecution: { iam: on("DescribeStateMachineForExecution", execution), run: (i) => ops.DescribeStateMachineForExecution(i) },
      ValidateStateMachineDefinition: { iam: anywhere("ValidateStateMachineDefinition"), run: (i) => ops.ValidateStateMachineDefinition(i) },
      StartExecution: { iam: on("StartExecution", machine), run: (i) => ops.StartExecution(i) },
      StartSyncExecution: { iam: on("StartSyncExecution", machine), run: (i) => ops.StartSyncExecution(i) },
      DescribeExecution: { iam: on("DescribeExecution", execution), run: (i) => ops.DescribeExecution(i) },
      StopExecution: { iam: on("StopExecution", execution), run: (i) => ops.StopExecution(i) },
      ListExecutions: { iam: on("ListExecutions", (i) => i.stateMachineArn ?? "*"), run: (i) => ops.ListExecutions(i) },
      GetExecutionHistory: { iam: on("GetExecutionHistory", execution), run: (i) => ops.GetExecutionHistory(i) },
      SendTaskSuccess: { iam: anywhere("SendTaskSuccess"), run: (i) => ops.SendTaskSuccess(i) },
      SendTaskFailure: { iam: anywhere("SendTaskFailure"), run: (i) => ops.SendTaskFailure(i) },
      SendTaskHeartbeat: { iam: anywhere("SendTaskHeartbeat"), run: (i) => ops.SendTaskHeartbeat(i) },
      CreateActivity: { iam: on("CreateActivity", (i) => ops.activityArn(i.name)), run: (i) => ops.CreateActivity(i) },
      DescribeActivity: { iam: on("DescribeActivity", (i) => i.activityArn), run: (i) => ops.DescribeActivity(i) },
      DeleteActivity: { iam: on("DeleteActivity", (i) => i.activityArn), run: (i) => ops.DeleteActivity(i) },
      ListActivities: { iam: anywhere("ListActivities"), run: (i) => ops.ListActivities(i) },
      GetActivityTask: { iam: on("GetActivityTask", (i) => i.activityArn), run: (i) => ops.GetActivityTask(i) },
      TagResource: { iam: on("TagResource", (i) => i.resourceArn), run: (i) => ops.TagResource(i) },
      UntagResource: { iam: on("UntagResource", (i) => i.resourceArn), run: (i) => ops.UntagResource(i) },
      ListTagsForResource: { iam: on("ListTagsForResource", (i) => i.resourceArn), run: (i) => ops.ListTagsForResource(i) },
      RedriveExecution: { iam: on("RedriveExecution", execution), run: (i) => ops.RedriveExecution(i) },
      PublishStateMachineVersion: { iam: on("PublishStateMachineVersion", machine), run: (i) => ops.PublishStateMachineVersion(i) },
      ListStateMachineVersions: { iam: on("ListStateMachineVersions", machine), run: (i) => ops.ListStateMachineVersions(i) },
      DeleteStateMachineVersion: { iam: on("DeleteStateMachineVersion", (i) => i.stateMachineVersionArn), run: (i) => ops.DeleteStateMachineVersion(i) },
      CreateStateMachineAlias: {
        iam: on("CreateStateMachineAlias", (i) => `${splitQualified(i.routingConfiguration?.[0]?.stateMachineVersionArn ?? "").machineArn}:${i.name}`),
        run: (i) => ops.CreateStateMachineAlias(i as any),
      },
      DescribeStateMachineAlias: { iam: on("DescribeStateMachineAlias", (i) => i.stateMachineAliasArn), run: (i) => ops.DescribeStateMachineAlias(i) },
      UpdateStateMachineAlias: { iam: on("UpdateStateMachineAlias", (i) => i.stateMachineAliasArn), run: (i) => ops.UpdateStateMachineAlias(i as any) },
      DeleteStateMachineAlias: { iam: on("DeleteStateMachineAlias", (i) => i.stateMachineAliasArn), run: (i) => ops.DeleteStateMachineAlias(i) },
      ListStateMachineAliases: { iam: on("ListStateMachineAliases", machine), run: (i) => ops.ListStateMachineAliases(i) },
      TestState: { iam: anywhere("TestState"), run: (i) => testState(i as any, { taskDeps, region: kernel.region, accountId: kernel.accountId, roleTrustsStates }) },
      DescribeMapRun: { iam: on("DescribeMapRun", (i) => i.mapRunArn), run: (i) => mapRuns.describe(i.mapRunArn) },
      UpdateMapRun: { iam: on("UpdateMapRun", (i) => i.mapRunArn), run: (i) => mapRuns.update(i) },
      ListMapRuns: { iam: on("ListMapRuns", execution), run: (i) => ops.ListMapRuns(i, mapRuns) },
    };
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model,
      operations,
      errors: jsonServiceErrors({ validation: "ValidationException", internal: "InternalFailure" }),
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }

  /** Resumes the executions a previous process left running. */
  start(): void {
    this.executions.resumeAll();
  }

  close(): void {
    this.executions.close();
    void this.executionLogs.flush();
  }
}
