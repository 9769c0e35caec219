/**
 * Event source mapping records (Create/Get/List/Update/DeleteEventSourceMapping).
 * The pollers that act on them live in runtime/pollers; they are told of every
 * change through `onChange`.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import type { LambdaCloud } from "./runtime/cloud-deps.js";
import { conflict, invalidParameter } from "./errors.js";
import type { FunctionOperations } from "./functions.js";
import type { StoredMapping } from "./model.js";
import { parseFunctionRef, validationError } from "./names.js";
import type { LambdaStore } from "./store.js";
import { checkRange } from "./validate.js";
import { violationMessage } from "../../wire/constraints.js";

export type SourceKind = "sqs" | "dynamodb" | "kinesis";

export function sourceKind(arn: string): SourceKind | undefined {
  if (/^arn:aws[a-zA-Z-]*:sqs:[^:]+:\d{12}:.+$/.test(arn)) return "sqs";
  if (/^arn:aws[a-zA-Z-]*:dynamodb:[^:]+:\d{12}:table\/[^/]+\/stream\/.+$/.test(arn)) return "dynamodb";
  if (/^arn:aws[a-zA-Z-]*:kinesis:[^:]+:\d{12}:stream\/[a-zA-Z0-9_.-]+(\/consumer\/[a-zA-Z0-9_.-]+:\d+)?$/.test(arn)) return "kinesis";
  return undefined;
}

/** The stream a source ARN reads: itself, or the stream of a Kinesis enhanced fan-out consumer. */
export function streamOfSource(arn: string): string {
  const at = arn.indexOf("/consumer/");
  return at < 0 ? arn : arn.slice(0, at);
}

/** How Lambda names a source type in its messages, and the IAM prefix of its stream actions. */
const SOURCE_LABEL: Record<SourceKind, string> = { sqs: "SQS", dynamodb: "DynamoDB Stream", kinesis: "Kinesis" };

type Shown = Omit<StoredMapping, "State"> & { State: string };

export class EventSourceMappingOperations {
  constructor(
    private readonly cloud: LambdaCloud,
    private readonly store: LambdaStore,
    private readonly functions: FunctionOperations,
    private readonly onChange: (uuid: string) => void,
  ) {}

  async create(input: any): Promise<Shown> {
    const sourceArn = input.EventSourceArn;
    if (typeof sourceArn !== "string" || sourceArn === "") throw invalidParameter("Unrecognized event source, must be kinesis, dynamodb stream or sqs.");
    const kind = sourceKind(sourceArn);
    if (!kind) {
      if (/:kafka:|:mq:/.test(sourceArn)) throw invalidParameter(`The local cloud does not poll this event source type: ${sourceArn}`);
      throw invalidParameter("Unrecognized event source, must be kinesis, dynamodb stream or sqs.");
    }
    const { stored, invokedArn } = this.functions.resolve(input.FunctionName);
    const ref = parseFunctionRef(input.FunctionName);
    const fnArn = ref.qualifier ? invokedArn : stored.config.FunctionArn;
    const duplicate = this.store.listMappings().find((m) => m.EventSourceArn === sourceArn && m.FunctionArn === fnArn);
    if (duplicate) {
      throw conflict(
        `An event source mapping with ${SOURCE_LABEL[kind]} arn (" ${sourceArn} ") and function (" ${stored.config.FunctionName} ") already exists. Please update or delete the existing mapping with UUID ${duplicate.UUID}`,
      );
    }
    this.checkExecutionRole(kind, sourceArn, stored.config.Role);
    if (kind === "sqs") await this.checkVisibilityTimeout(sourceArn, stored.config.Timeout);
    const uuid = randomUUID();
    const mapping: StoredMapping = {
      UUID: uuid,
      EventSourceArn: sourceArn,
      FunctionArn: fnArn,
      LastModified: Math.floor(Date.now() / 1000),
      LastProcessingResult: "No records processed",
      State: input.Enabled === false ? "Disabled" : "Enabled",
      StateTransitionReason: "USER_INITIATED",
      BatchSize: 0,
      MaximumBatchingWindowInSeconds: 0,
      EventSourceMappingArn: `arn:aws:lambda:${this.cloud.region}:${this.cloud.accountId}:event-source-mapping:${uuid}`,
    };
    applySettings(mapping, input, kind, true);
    this.store.putMapping(mapping);
    this.onChange(uuid);
    return { ...mapping, State: "Creating" };
  }

  get(input: any): StoredMapping {
    return this.find(input.UUID);
  }

  list(input: any): { EventSourceMappings: StoredMapping[]; NextMarker?: string } {
    let all = this.store.listMappings();
    if (input.EventSourceArn) all = all.filter((m) => m.EventSourceArn === input.EventSourceArn);
    if (input.FunctionName) {
      const ref = parseFunctionRef(input.FunctionName);
      all = all.filter((m) => parseFunctionRef(m.FunctionArn).name === ref.name && (!ref.qualifier || m.FunctionArn.endsWith(`:${ref.qualifier}`)));
    }
    const max = checkRange(input.MaxItems, "maxItems", 1, 10000) ?? 100;
    const start = typeof input.Marker === "string" && input.Marker ? Math.max(0, all.findIndex((m) => m.UUID === input.Marker)) : 0;
    const out: { EventSourceMappings: StoredMapping[]; NextMarker?: string } = { EventSourceMappings: all.slice(start, start + max) };
    if (all[start + max]) out.NextMarker = all[start + max].UUID;
    return out;
  }

  update(input: any): Shown {
    const mapping = { ...this.find(input.UUID) };
    const kind = sourceKind(mapping.EventSourceArn)!;
    if (input.FunctionName !== undefined) {
      const { stored, invokedArn } = this.functions.resolve(input.FunctionName);
      mapping.FunctionArn = parseFunctionRef(input.FunctionName).qualifier ? invokedArn : stored.config.FunctionArn;
    }
    if (input.Enabled !== undefined) mapping.State = input.Enabled ? "Enabled" : "Disabled";
    applySettings(mapping, input, kind, false);
    mapping.LastModified = Math.floor(Date.now() / 1000);
    this.store.putMapping(mapping);
    this.onChange(mapping.UUID);
    return { ...mapping, State: "Updating" };
  }

  delete(input: any): Shown {
    const mapping = this.find(input.UUID);
    this.store.deleteMapping(mapping.UUID);
    this.onChange(mapping.UUID);
    return { ...mapping, State: "Deleting" };
  }

  /**
   * Lambda polls with the function's execution role, and refuses a mapping that role
   * could not poll, with these messages.
   */
  private checkExecutionRole(kind: SourceKind, sourceArn: string, roleArn: string): void {
    const evaluate = this.cloud.iam?.evaluate;
    if (!evaluate) return;
    const principal = { accessKeyId: "", arn: roleArn, admin: false, roleArn };
    const allowed = (action: string) => evaluate.call(this.cloud.iam, principal, action, sourceArn) === "Allow";
    if (kind === "sqs") {
      for (const action of ["ReceiveMessage", "DeleteMessage", "GetQueueAttributes"]) {
        if (!allowed(`sqs:${action}`)) {
          throw invalidParameter(`The provided execution role does not have permissions to call ${action} on SQS`);
        }
      }
      return;
    }
    if (sourceArn !== streamOfSource(sourceArn) && !["SubscribeToShard", "DescribeStreamConsumer"].every((a) => allowed(`kinesis:${a}`))) {
      throw invalidParameter(`Cannot access stream consumer ${sourceArn}. Please ensure the role can perform the SubscribeToShard and DescribeStreamConsumer Actions on your consumer in IAM.`);
    }
    const streamAllowed = (action: string) => evaluate.call(this.cloud.iam, principal, action, streamOfSource(sourceArn)) === "Allow";
    if (!["GetRecords", "GetShardIterator", "DescribeStream", "ListStreams"].every((a) => streamAllowed(`${kind}:${a}`))) {
      throw invalidParameter(
        `Cannot access stream ${sourceArn}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.`,
      );
    }
  }

  /**
   * Lambda refuses an SQS mapping whose queue would hand a message to a second poller
   * while the function may still run. Checked when the queue can be found; a queue
   * created later is checked by nobody, as the mapping may precede it locally.
   */
  private async checkVisibilityTimeout(queueArn: string, functionTimeout: number): Promise<void> {
    const sqs = this.cloud.sqs;
    if (!sqs) return;
    let visibility: number;
    try {
      const parts = queueArn.split(":");
      const { QueueUrl } = await sqs.call("GetQueueUrl", { QueueName: parts[5], QueueOwnerAWSAccountId: parts[4] });
      const attrs = await sqs.call("GetQueueAttributes", { QueueUrl, AttributeNames: ["VisibilityTimeout"] });
      visibility = Number(attrs?.Attributes?.VisibilityTimeout);
    } catch {
      return;
    }
    if (Number.isFinite(visibility) && visibility < functionTimeout) {
      throw invalidParameter(`Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${functionTimeout} seconds`);
    }
  }

  private find(uuid: unknown): StoredMapping {
    if (typeof uuid !== "string" || uuid === "") throw validationError("null", "uUID", "Member must not be null");
    const mapping = this.store.getMapping(uuid);
    if (!mapping) throw new AwsError("ResourceNotFoundException", "The resource you requested does not exist.", 404);
    return mapping;
  }
}

/** Batching, retry and filter settings, with the defaults and limits of each source type. */
function applySettings(m: StoredMapping, input: any, kind: SourceKind, creating: boolean): void {
  const batch = checkRange(input.BatchSize, "batchSize", 1, 10000);
  const window = checkRange(input.MaximumBatchingWindowInSeconds, "maximumBatchingWindowInSeconds", 0, 300);
  if (batch !== undefined || creating) m.BatchSize = batch ?? (kind === "sqs" ? 10 : 100);
  if (window !== undefined || creating) m.MaximumBatchingWindowInSeconds = window ?? 0;
  if (kind === "sqs" && m.BatchSize > 10 && m.MaximumBatchingWindowInSeconds < 1) {
    throw invalidParameter("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
  }
  if (input.FunctionResponseTypes !== undefined) {
    const types = input.FunctionResponseTypes as unknown[];
    if (!Array.isArray(types) || types.some((t) => t !== "ReportBatchItemFailures")) {
      throw validationError(JSON.stringify(types), "functionResponseTypes", "Member must satisfy enum value set: [ReportBatchItemFailures]");
    }
    m.FunctionResponseTypes = types as string[];
  }
  if (input.FilterCriteria !== undefined) {
    const filters = input.FilterCriteria?.Filters ?? [];
    for (const f of filters) {
      try {
        const p = JSON.parse(f.Pattern);
        if (!p || typeof p !== "object" || Array.isArray(p)) throw new Error();
      } catch {
        throw invalidParameter(`Invalid filter pattern definition: ${f?.Pattern}`);
      }
    }
    m.FilterCriteria = { Filters: filters.map((f: any) => ({ Pattern: String(f.Pattern) })) };
  }
  if (kind === "sqs") {
    if (input.StartingPosition !== undefined) throw invalidParameter("StartingPosition is not valid for SQS event sources.");
    if (input.ScalingConfig !== undefined) m.ScalingConfig = input.ScalingConfig;
    return;
  }
  // Stream sources.
  if (creating) {
    if (!["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"].includes(input.StartingPosition)) {
      if (input.StartingPosition === undefined) throw invalidParameter(violationMessage(null, "startingPosition", "Member must not be null"));
      throw validationError(input.StartingPosition, "startingPosition", "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]");
    }
    m.StartingPosition = input.StartingPosition;
    if (input.StartingPositionTimestamp !== undefined) m.StartingPositionTimestamp = Number(new Date(input.StartingPositionTimestamp).getTime() / 1000);
    if (input.StartingPosition === "AT_TIMESTAMP" && m.StartingPositionTimestamp === undefined) {
      throw invalidParameter("StartingPositionTimestamp must be specified when StartingPosition is AT_TIMESTAMP.");
    }
    m.MaximumRetryAttempts = -1;
    m.MaximumRecordAgeInSeconds = -1;
    m.BisectBatchOnFunctionError = false;
    m.ParallelizationFactor = 1;
    m.DestinationConfig = { OnFailure: {} };
  }
  const retries = checkRange(input.MaximumRetryAttempts, "maximumRetryAttempts", -1, 10000);
  if (retries !== undefined) m.MaximumRetryAttempts = retries;
  const age = checkRange(input.MaximumRecordAgeInSeconds, "maximumRecordAgeInSeconds", -1, 604800);
  if (age !== undefined) m.MaximumRecordAgeInSeconds = age;
  if (input.BisectBatchOnFunctionError !== undefined) m.BisectBatchOnFunctionError = Boolean(input.BisectBatchOnFunctionError);
  if (input.ParallelizationFactor !== undefined) m.ParallelizationFactor = checkRange(input.ParallelizationFactor, "parallelizationFactor", 1, 10)!;
  if (input.TumblingWindowInSeconds !== undefined) m.TumblingWindowInSeconds = checkRange(input.TumblingWindowInSeconds, "tumblingWindowInSeconds", 0, 900)!;
  if (input.DestinationConfig !== undefined) {
    const dest = input.DestinationConfig?.OnFailure?.Destination;
    if (dest !== undefined && !/^arn:aws[a-zA-Z-]*:(sqs|sns):/.test(String(dest))) {
      throw invalidParameter("The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=" + dest + ")) is invalid.");
    }
    m.DestinationConfig = { OnFailure: dest ? { Destination: String(dest) } : {} };
  }
}
