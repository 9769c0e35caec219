/**
 * What Task states run: Lambda functions (a plain function ARN, or
 * `arn:aws:states:::lambda:invoke`), the optimised and AWS SDK integrations, child
 * executions (`states:startExecution`, `.sync`, `.sync:2`) and activities — each a call
 * to the local service as the state machine's role, so IAM decides exactly as it does
 * for any caller: a missing grant fails the task with the error AWS gives
 * (`Lambda.AWSLambdaException`, `DynamoDB.AmazonDynamoDBException` …). `.waitForTaskToken`
 * makes the call and then waits for SendTaskSuccess/SendTaskFailure. A Task's
 * `Credentials.RoleArn` runs its call as that role instead.
 */
import { randomUUID } from "node:crypto";
import type { Principal } from "../../types.js";
import { runtimeError, StatesError } from "./asl/errors.js";
import { splitResource, type TaskRequest, type TaskRunner } from "./asl/interpreter.js";
import { integrationCause, integrationErrorName, integrationFor, type Integration } from "./service-integrations.js";
import type { ActivityQueues, TaskTokens } from "./task-tokens.js";

export interface TaskDeps {
  region: string;
  /** A service by its client name, called with a context (the role's principal). */
  call(client: string, operation: string, input: any, principal: Principal): Promise<any>;
  /** Whether a role session's policies allow it to assume another role (a Task's Credentials). */
  mayAssume(principal: Principal, roleArn: string): boolean;
  /** The principal a state machine's tasks run as: a session of its role. */
  principalFor(roleArn: string): Principal;
  tokens: TaskTokens;
  activities: ActivityQueues;
  /** Waits for a child execution to end and answers its DescribeExecution. */
  untilFinished(executionArn: string, signal: AbortSignal): Promise<Record<string, any>>;
}

type Doc = Record<string, any>;

const sdkMetadata = (requestId: string) => ({
  SdkHttpMetadata: { HttpHeaders: { "Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": requestId }, HttpStatusCode: 200 },
  SdkResponseMetadata: { RequestId: requestId },
});

const asText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function asObject(parameters: unknown, resource: string): Doc {
  if (!parameters || typeof parameters !== "object" || Array.isArray(parameters)) throw runtimeError(`The parameters of ${resource} must be a JSON object`);
  return parameters as Doc;
}

export class StatesTaskRunner implements TaskRunner {
  constructor(private readonly deps: TaskDeps, private readonly roleArn: string) {}

  async run(task: TaskRequest): Promise<unknown> {
    const { resource } = task;
    if (task.credentialsRoleArn) {
      // The machine's role assumes the task's role: its policies must allow sts:AssumeRole on it.
      const principal = this.principal();
      if (!this.deps.mayAssume(principal, task.credentialsRoleArn)) {
        throw new StatesError("States.TaskFailed", `User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${task.credentialsRoleArn}`);
      }
      return new StatesTaskRunner(this.deps, task.credentialsRoleArn).run({ ...task, credentialsRoleArn: undefined });
    }
    if (/^arn:aws[\w-]*:lambda:/.test(resource)) return this.invokeFunction(resource, task.parameters);
    const { resourceType, resource: action } = splitResource(resource);
    if (resourceType === "activity") return this.activity(resource, task);
    const m = /^(.*?)(\.sync(?::2)?|\.waitForTaskToken)?$/.exec(action)!;
    const [, base, pattern] = m as unknown as [string, string, string | undefined];
    let result: unknown;
    if (resourceType === "lambda" && base === "invoke") result = await this.lambdaInvoke(task);
    else if (resourceType === "states" && base === "startExecution") result = await this.startExecution(task, pattern);
    else {
      const integration = integrationFor(resourceType, base);
      if (!integration) throw runtimeError(`The resource ${resource} is not supported by the local cloud`);
      if (pattern?.startsWith(".sync")) throw runtimeError(`The resource ${resource} is not supported by the local cloud (.sync runs only for states:startExecution)`);
      result = await this.callIntegration(integration, task);
    }
    if (pattern === ".waitForTaskToken") {
      task.record("TaskSubmitted", "taskSubmittedEventDetails", { resourceType, resource: action, output: JSON.stringify(result ?? null), outputDetails: { truncated: false } });
      return this.deps.tokens.wait(task.context.Task!.Token, task.heartbeat, task.signal);
    }
    return result;
  }

  private principal(): Principal {
    return this.deps.principalFor(this.roleArn);
  }

  /** A plain function ARN: the function's answer is the result; its error is the task's error. */
  private async invokeFunction(functionArn: string, payload: unknown): Promise<unknown> {
    return (await this.invoke({ FunctionName: functionArn, Payload: payload }, false)).Payload;
  }

  private async lambdaInvoke(task: TaskRequest): Promise<unknown> {
    const p = asObject(task.parameters, task.resource);
    if (typeof p.FunctionName !== "string") throw runtimeError("The parameters of arn:aws:states:::lambda:invoke need a FunctionName");
    return this.invoke(p, true);
  }

  private async invoke(p: Doc, withMetadata: boolean): Promise<Doc> {
    const requestId = randomUUID();
    let out: { StatusCode?: number; Payload?: Uint8Array; FunctionError?: string; ExecutedVersion?: string };
    try {
      out = await this.deps.call("lambda", "Invoke", {
        FunctionName: p.FunctionName, InvocationType: p.InvocationType ?? "RequestResponse", Qualifier: p.Qualifier, ClientContext: p.ClientContext,
        Payload: p.Payload === undefined ? undefined : Buffer.from(asText(p.Payload)),
      }, this.principal());
    } catch (err: any) {
      const code = String(err?.code ?? "ServiceException");
      const name = code === "AccessDeniedException" ? "Lambda.AWSLambdaException" : code.startsWith("Lambda.") ? code : `Lambda.${code}`;
      throw new StatesError(name, integrationCause("AWSLambda", { message: err?.message, status: err?.status }, requestId));
    }
    const text = Buffer.from(out.Payload ?? []).toString("utf8");
    let payload: unknown = text;
    try {
      payload = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: kept as text */
    }
    if (out.FunctionError) {
      const errorType = payload && typeof payload === "object" && typeof (payload as Doc).errorType === "string" ? (payload as Doc).errorType : "Lambda.Unknown";
      throw new StatesError(errorType, text);
    }
    if (!withMetadata) return { Payload: payload };
    return { ExecutedVersion: out.ExecutedVersion ?? "$LATEST", Payload: payload, ...sdkMetadata(requestId), StatusCode: out.StatusCode ?? 200 };
  }

  private async callIntegration(integration: Integration, task: TaskRequest): Promise<unknown> {
    const input = { ...asObject(task.parameters, task.resource) };
    // Optimised integrations take a JSON body where the API takes text.
    if (integration.optimised) {
      if (integration.operation === "SendMessage" && input.MessageBody !== undefined) input.MessageBody = asText(input.MessageBody);
      if (integration.operation === "Publish" && input.Message !== undefined) input.Message = asText(input.Message);
      if (integration.operation === "PutEvents" && Array.isArray(input.Entries)) input.Entries = input.Entries.map((e: Doc) => (e?.Detail === undefined ? e : { ...e, Detail: asText(e.Detail) }));
    }
    const requestId = randomUUID();
    try {
      const out = await this.deps.call(integration.client, integration.operation, input, this.principal());
      const plain = JSON.parse(JSON.stringify(out ?? {}, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v)));
      if (integration.operation === "PutEvents" && plain.FailedEntryCount > 0) {
        throw new StatesError("EventBridge.FailedEntry", JSON.stringify(plain));
      }
      return integration.optimised ? { ...plain, ...sdkMetadata(requestId) } : plain;
    } catch (err: any) {
      if (err instanceof StatesError) throw err;
      const code = String(err?.code ?? err?.name ?? "InternalFailure");
      throw new StatesError(integrationErrorName(integration, code), integrationCause(integration.errorPrefix, { message: err?.message, status: err?.status }, requestId));
    }
  }

  private async startExecution(task: TaskRequest, pattern: string | undefined): Promise<unknown> {
    const p = { ...asObject(task.parameters, task.resource) };
    if (p.Input !== undefined) p.Input = asText(p.Input);
    const input = { stateMachineArn: p.StateMachineArn, name: p.Name, input: p.Input, traceHeader: p.TraceHeader };
    const requestId = randomUUID();
    let started: { executionArn: string; startDate: number };
    try {
      started = await this.deps.call("stepfunctions", "StartExecution", input, this.principal());
    } catch (err: any) {
      const code = String(err?.code ?? "InternalFailure");
      throw new StatesError(code === "AccessDeniedException" ? "StepFunctions.AWSStepFunctionsException" : `StepFunctions.${code}`, integrationCause("AWSStepFunctions", err, requestId));
    }
    if (!pattern?.startsWith(".sync")) return { ExecutionArn: started.executionArn, StartDate: new Date(started.startDate * 1000).toISOString(), ...sdkMetadata(requestId) };
    const done = await this.deps.untilFinished(started.executionArn, task.signal);
    const described = {
      ExecutionArn: done.executionArn, StateMachineArn: done.stateMachineArn, Name: done.name, Status: done.status,
      StartDate: done.startDate * 1000, StopDate: done.stopDate * 1000, Input: done.input, InputDetails: { Included: true },
      ...(done.output !== undefined ? { Output: pattern === ".sync:2" ? JSON.parse(done.output) : done.output, OutputDetails: { Included: true } } : {}),
      ...(done.error !== undefined ? { Error: done.error } : {}), ...(done.cause !== undefined ? { Cause: done.cause } : {}),
    };
    if (done.status === "SUCCEEDED") return described;
    throw new StatesError(done.status === "TIMED_OUT" ? "States.Timeout" : "States.TaskFailed", JSON.stringify(described));
  }

  private async activity(activityArn: string, task: TaskRequest): Promise<unknown> {
    const token = task.context.Task!.Token;
    this.deps.activities.schedule(activityArn, { token, input: JSON.stringify(task.parameters ?? null) });
    try {
      return await this.deps.tokens.wait(token, task.heartbeat, task.signal);
    } finally {
      this.deps.activities.cancel(activityArn, token);
    }
  }
}
