/**
 * Queue attributes: which ones may be set, their ranges and defaults, and the
 * validation messages SQS answers with. Settable attributes are stored as the strings
 * the API uses; computed ones (counts, timestamps, ARN) are added when read.
 */
import { invalidAttributeName, invalidAttributeValue, invalidParameterValue } from "./errors.js";

export const DEFAULTS: Record<string, string> = {
  VisibilityTimeout: "30",
  MaximumMessageSize: "262144",
  MessageRetentionPeriod: "345600",
  DelaySeconds: "0",
  ReceiveMessageWaitTimeSeconds: "0",
  SqsManagedSseEnabled: "true",
};

const FIFO_DEFAULTS: Record<string, string> = {
  FifoQueue: "true",
  ContentBasedDeduplication: "false",
  DeduplicationScope: "queue",
  FifoThroughputLimit: "perQueue",
};

const RANGES: Record<string, [number, number]> = {
  VisibilityTimeout: [0, 43200],
  MaximumMessageSize: [1024, 1048576],
  MessageRetentionPeriod: [60, 1209600],
  DelaySeconds: [0, 900],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  KmsDataKeyReusePeriodSeconds: [60, 86400],
};

const SETTABLE = new Set([
  ...Object.keys(RANGES),
  "Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled",
  "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
]);

/** Attributes GetQueueAttributes knows beyond the settable ones. */
export const COMPUTED = new Set([
  "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp", "LastModifiedTimestamp",
]);

export function isKnownAttribute(name: string): boolean {
  return SETTABLE.has(name) || COMPUTED.has(name) || name === "All";
}

const bad = (name: string) => invalidAttributeValue(`Invalid value for the parameter ${name}.`);

function checkJson(name: string, value: string): any {
  try {
    const parsed = JSON.parse(value);
    if (!parsed || typeof parsed !== "object") throw new Error();
    return parsed;
  } catch {
    throw bad(name);
  }
}

/**
 * Validates attributes for CreateQueue (creating = true) or SetQueueAttributes and
 * returns them normalised. `fifo` says whether the queue is (or will be) FIFO.
 */
export function validateAttributes(input: Record<string, unknown> | undefined, fifo: boolean, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input ?? {})) {
    if (!SETTABLE.has(name)) throw invalidAttributeName(`Unknown Attribute ${name}.`);
    const value = String(raw);
    const range = RANGES[name];
    if (range) {
      if (!/^-?\d+$/.test(value.trim())) throw bad(name);
      const n = Number(value);
      if (n < range[0] || n > range[1]) throw bad(name);
      out[name] = String(n);
      continue;
    }
    switch (name) {
      case "FifoQueue":
        if (!creating) throw invalidAttributeName(`Invalid attribute name. FifoQueue cannot be changed after the queue is created.`);
        if (value !== "true" && value !== "false") throw bad(name);
        if (value === "true" && !fifo) throw invalidParameterValue("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.");
        if (value === "false" && fifo) throw bad(name);
        if (value === "true") out[name] = value;
        break;
      case "ContentBasedDeduplication":
      case "SqsManagedSseEnabled":
        if (value !== "true" && value !== "false") throw bad(name);
        if (name === "ContentBasedDeduplication" && !fifo) throw invalidAttributeName(`Unknown Attribute ${name}.`);
        out[name] = value;
        break;
      case "DeduplicationScope":
        if (!fifo) throw invalidAttributeName(`Unknown Attribute ${name}.`);
        if (value !== "messageGroup" && value !== "queue") throw bad(name);
        out[name] = value;
        break;
      case "FifoThroughputLimit":
        if (!fifo) throw invalidAttributeName(`Unknown Attribute ${name}.`);
        if (value !== "perQueue" && value !== "perMessageGroupId") throw bad(name);
        out[name] = value;
        break;
      case "RedrivePolicy": {
        if (value === "") {
          out[name] = "";
          break;
        }
        const p = checkJson(name, value);
        const max = Number(p.maxReceiveCount);
        if (typeof p.deadLetterTargetArn !== "string" || !/^arn:aws[a-z-]*:sqs:[^:]+:\d{12}:.+$/.test(p.deadLetterTargetArn)) {
          throw invalidParameterValue("Value " + value + " for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.");
        }
        if (!Number.isInteger(max) || max < 1 || max > 1000) {
          throw invalidParameterValue("Value " + value + " for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: " + String(p.maxReceiveCount) + ", valid values are from 1 to 1000 both inclusive.");
        }
        out[name] = JSON.stringify({ deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: max });
        break;
      }
      case "RedriveAllowPolicy": {
        const p = checkJson(name, value);
        if (!["allowAll", "denyAll", "byQueue"].includes(p.redrivePermission)) {
          throw invalidParameterValue(`Value ${value} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.`);
        }
        out[name] = JSON.stringify(p);
        break;
      }
      case "Policy":
        if (value !== "") checkJson(name, value);
        out[name] = value;
        break;
      case "KmsMasterKeyId":
        out[name] = value;
        break;
    }
  }
  // Choosing a KMS key turns SQS-managed encryption off, and the other way round.
  if (out.KmsMasterKeyId && out.SqsManagedSseEnabled === "true") {
    throw invalidParameterValue("You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.");
  }
  return out;
}

/** Stored attributes of a new queue: defaults, then what CreateQueue gave. */
export function initialAttributes(given: Record<string, string>, fifo: boolean): Record<string, string> {
  const attrs = { ...DEFAULTS, ...(fifo ? FIFO_DEFAULTS : {}), ...given };
  if (given.KmsMasterKeyId) {
    attrs.SqsManagedSseEnabled = "false";
    attrs.KmsDataKeyReusePeriodSeconds ??= "300";
  }
  return attrs;
}

/** Applies SetQueueAttributes to stored attributes (an empty policy removes it). */
export function mergeAttributes(current: Record<string, string>, changes: Record<string, string>): Record<string, string> {
  const next = { ...current, ...changes };
  for (const k of ["RedrivePolicy", "Policy", "KmsMasterKeyId", "RedriveAllowPolicy"]) if (next[k] === "") delete next[k];
  if (changes.KmsMasterKeyId) {
    next.SqsManagedSseEnabled = "false";
    next.KmsDataKeyReusePeriodSeconds ??= "300";
  }
  if (changes.SqsManagedSseEnabled === "true") {
    delete next.KmsMasterKeyId;
    delete next.KmsDataKeyReusePeriodSeconds;
  }
  return next;
}
