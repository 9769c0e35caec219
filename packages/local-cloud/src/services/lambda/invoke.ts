/**
 * Invoke: synchronous (RequestResponse), asynchronous (Event) and DryRun, with
 * Lambda's payload limits, FunctionError / LogResult / ExecutedVersion, and the
 * dead-letter queue for asynchronous invocations that fail every retry.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import type { LambdaCloud } from "./runtime/cloud-deps.js";
import type { AsyncInvoker } from "./runtime/async-invoker.js";
import type { LambdaRuntime, RuntimeInvokeResult } from "./runtime/runtime.js";
import { isThrottle, throttled } from "./runtime/concurrency.js";
import { tooLarge } from "./errors.js";
import { destinationRecord, sendToDestination } from "./async-destinations.js";
import type { EventInvokeConfigOperations } from "./event-invoke-configs.js";
import type { FunctionOperations } from "./functions.js";
import { validationError } from "./names.js";

export const MAX_SYNC_PAYLOAD = 6_291_456;
export const MAX_ASYNC_PAYLOAD = 262_144;
const MAX_RESPONSE = 6_291_556;
const TAIL_BYTES = 4096;

export interface InvokeOutput {
  StatusCode: number;
  Payload: Uint8Array;
  FunctionError?: string;
  LogResult?: string;
  ExecutedVersion?: string;
}

export class InvokeOperation {
  constructor(
    private readonly cloud: LambdaCloud,
    private readonly functions: FunctionOperations,
    private readonly runtime: LambdaRuntime,
    private readonly asyncInvoker: AsyncInvoker,
    private readonly invokeConfigs: EventInvokeConfigOperations,
  ) {}

  /**
   * `trustedJson`: the payload is JSON the local cloud itself produced (an API Gateway
   * event), so parsing it again to validate it would only cost time.
   */
  async invoke(input: any, requestId: string = randomUUID(), opts: { trustedJson?: boolean } = {}): Promise<InvokeOutput> {
    const type = input.InvocationType ?? "RequestResponse";
    if (type !== "RequestResponse" && type !== "Event" && type !== "DryRun") {
      throw validationError(type, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
    }
    if (input.LogType !== undefined && input.LogType !== "None" && input.LogType !== "Tail") {
      throw validationError(input.LogType, "logType", "Member must satisfy enum value set: [None, Tail]");
    }
    const { resolved, definition: def } = this.target(input.FunctionName, input.Qualifier);
    const payload = payloadText(input.Payload) || "{}";
    checkSize(payload, type);
    if (!opts.trustedJson) checkJson(payload);
    const clientContext = decodeClientContext(input.ClientContext);
    const version = resolved.stored.config.Version;

    if (type === "DryRun") return { StatusCode: 204, Payload: new Uint8Array(), ExecutedVersion: version };

    if (type === "Event") {
      this.enqueueAsync(input.FunctionName, input.Qualifier, payload, requestId);
      return { StatusCode: 202, Payload: new Uint8Array() };
    }

    const result = await this.runtime.invoke(def, payload, { requestId, invokedFunctionArn: resolved.invokedArn, clientContext });
    return toOutput(result, version, input.LogType === "Tail");
  }

  /**
   * A synchronous invocation by one of the local cloud's own data planes, of JSON it
   * serialized itself (kernel/trusted-json.ts): what Lambda decides, in Invoke's order,
   * without the checks of a request that came over the wire.
   */
  async invokeTrusted(functionName: string, payload: string, requestId: string): Promise<InvokeOutput> {
    const { resolved, definition: def } = this.target(functionName, undefined);
    checkSize(payload, "RequestResponse");
    const result = await this.runtime.invoke(def, payload, { requestId, invokedFunctionArn: resolved.invokedArn });
    return toOutput(result, resolved.stored.config.Version, false);
  }

  /** The function invoked (or ResourceNotFoundException); a reserved concurrency of 0 throttles every invocation. */
  private target(functionName: unknown, qualifier: unknown) {
    const target = this.functions.invocationTarget(functionName, qualifier);
    if (target.definition.reservedConcurrency === 0) {
      throw throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
    }
    return target;
  }

  /**
   * Re-resolves the function on every attempt: it may be updated or deleted between
   * retries. The function's event invoke config sets the retries, the maximum event age
   * and the destinations of the outcome; the dead-letter queue gets the event too.
   */
  private enqueueAsync(functionName: unknown, qualifier: unknown, payload: string, requestId: string): void {
    let last: RuntimeInvokeResult | undefined;
    let deadLetter: string | undefined;
    let arn = "";
    let version = "$LATEST";
    const queuedAt = Date.now();
    const resolvedAtQueue = this.functions.resolve(functionName, qualifier);
    const config = this.invokeConfigs.forInvocation(resolvedAtQueue.stored.config.FunctionName, qualifierOf(resolvedAtQueue.invokedArn));
    const maxAgeMs = (config?.MaximumEventAgeInSeconds ?? 21600) * 1000;
    let expired = false;
    const send = (destination: string | undefined, record: Record<string, unknown>) =>
      destination ? sendToDestination(this.cloud, destination, record).catch((err) => this.cloud.events.emit("lambda:destination-failed", { destination, error: String(err?.message ?? err) })) : undefined;
    this.asyncInvoker.enqueue({
      functionName: String(functionName),
      requestId,
      maxRetries: config?.MaximumRetryAttempts,
      attempt: async (n) => {
        if (Date.now() - queuedAt > maxAgeMs) {
          expired = true;
          throw new Error("event age exceeded");
        }
        const { resolved, definition } = this.functions.invocationTarget(functionName, qualifier);
        deadLetter = resolved.stored.config.DeadLetterConfig?.TargetArn;
        arn = withQualifier(resolved.invokedArn);
        version = resolved.stored.config.Version;
        // Retries keep the request id, as Lambda's do. A throttle is a failed attempt, retried like one.
        try {
          last = await this.runtime.invoke(definition, payload, { requestId, invokedFunctionArn: resolved.invokedArn });
        } catch (err) {
          if (isThrottle(err)) return false;
          throw err;
        }
        this.cloud.events.emit("lambda:async", { functionName: resolved.stored.config.FunctionName, requestId, attempt: n, status: last.status });
        return last.status === "success";
      },
      onSucceeded: async (attempts) => {
        await send(config?.DestinationConfig?.OnSuccess?.Destination, destinationRecord({
          requestId, functionArn: arn, condition: "Success", invokeCount: attempts, requestPayload: payload,
          responsePayload: last?.payload.toString("utf8"), executedVersion: version,
        }));
      },
      onExhausted: async (_err, attempts) => {
        if (arn) {
          await send(config?.DestinationConfig?.OnFailure?.Destination, destinationRecord({
            requestId, functionArn: arn, condition: expired ? "EventAgeExceeded" : "RetriesExhausted", invokeCount: attempts,
            requestPayload: payload, responsePayload: last?.payload.toString("utf8"), functionError: "Unhandled", executedVersion: version,
          }));
        }
        if (!deadLetter?.includes(":sqs:") || !this.cloud.sqs) return;
        const queueName = deadLetter.split(":").pop()!;
        const { QueueUrl } = await this.cloud.sqs.call("GetQueueUrl", { QueueName: queueName });
        await this.cloud.sqs.call("SendMessage", {
          QueueUrl,
          MessageBody: payload,
          MessageAttributes: {
            RequestID: { DataType: "String", StringValue: requestId },
            ErrorCode: { DataType: "Number", StringValue: "200" },
            ErrorMessage: { DataType: "String", StringValue: last?.error?.errorMessage ?? "function error" },
          },
        });
      },
    });
  }
}

/** "arn:…:function:f" → "arn:…:function:f:$LATEST", as destination records name the function. */
function withQualifier(arn: string): string {
  return arn.split(":").length > 7 ? arn : `${arn}:$LATEST`;
}

function qualifierOf(arn: string): string | undefined {
  return arn.split(":")[7];
}

function toOutput(result: RuntimeInvokeResult, version: string, tail: boolean): InvokeOutput {
  let payload = result.payload;
  let functionError = result.status === "success" ? undefined : "Unhandled";
  if (payload.length > MAX_RESPONSE) {
    payload = Buffer.from(
      JSON.stringify({ errorType: "Function.ResponseSizeTooLarge", errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE} bytes).` }),
    );
    functionError = "Unhandled";
  }
  const out: InvokeOutput = { StatusCode: 200, Payload: payload, ExecutedVersion: version };
  if (functionError) out.FunctionError = functionError;
  if (tail) {
    const bytes = Buffer.from(result.logText);
    out.LogResult = bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)).toString("base64");
  }
  return out;
}

function payloadText(payload: unknown): string {
  if (payload === undefined || payload === null) return "";
  if (typeof payload === "string") return payload;
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString("utf8");
  // In-process callers may hand over an object; it is sent as its JSON.
  return JSON.stringify(payload);
}

/** Lambda's payload limits: 256 KB for an asynchronous invocation, 6 MB for a synchronous one. */
function checkSize(payload: string, type: string): void {
  const size = payload.length > MAX_ASYNC_PAYLOAD / 3 ? Buffer.byteLength(payload) : payload.length;
  if (type === "Event" && size > MAX_ASYNC_PAYLOAD) throw tooLarge(MAX_ASYNC_PAYLOAD, "Invoke");
  if (size > MAX_SYNC_PAYLOAD) throw tooLarge(MAX_SYNC_PAYLOAD, "Invoke");
}

function checkJson(text: string): void {
  if (text.trim() === "") return;
  try {
    JSON.parse(text);
  } catch (err: any) {
    throw new AwsError("InvalidRequestContentException", `Could not parse request body into json: Could not parse payload into json: ${err?.message ?? "invalid JSON"}`, 400);
  }
}

function decodeClientContext(value: unknown): unknown {
  if (typeof value !== "string" || value === "") return undefined;
  try {
    return JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    throw new AwsError("InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object.", 400);
  }
}
