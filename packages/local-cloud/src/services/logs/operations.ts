/**
 * CloudWatch Logs operations in SDK shapes (camelCase, as the Logs API itself is).
 */
import { ACCOUNT_ID } from "../../types.js";
import { AwsError } from "../../server/aws-error.js";
import { groupNotFound, invalidParameter, streamNotFound, validationError } from "./errors.js";
import { compileFilterPattern, FilterPatternError } from "./filter-pattern.js";
import type { LogGroupRow, LogStreamRow, LogsStore } from "./store.js";
import { backwardToken, decodeCursor, decodeOffset, encodeCursor, encodeOffset, forwardToken, parseDirectionalToken } from "./tokens.js";

export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const DAY = 86_400_000;
const MAX_BATCH_BYTES = 1_048_576;

type Input = Record<string, any>;

export interface LogsOperationsDeps {
  store: LogsStore;
  region: string;
  now?: () => number;
}

export class LogsOperations {
  readonly operations: Record<string, (input: Input) => Input>;
  private readonly now: () => number;

  constructor(private readonly deps: LogsOperationsDeps) {
    this.now = deps.now ?? Date.now;
    this.operations = {
      CreateLogGroup: (i) => this.createLogGroup(i),
      DeleteLogGroup: (i) => { this.deps.store.deleteGroup(this.group(i).name); return {}; },
      DescribeLogGroups: (i) => this.describeLogGroups(i),
      PutRetentionPolicy: (i) => this.putRetentionPolicy(i),
      DeleteRetentionPolicy: (i) => { this.deps.store.setRetention(this.group(i).name, null); return {}; },
      CreateLogStream: (i) => this.createLogStream(i),
      DeleteLogStream: (i) => { const s = this.stream(i); this.deps.store.deleteStream(s.group_name, s.name); return {}; },
      DescribeLogStreams: (i) => this.describeLogStreams(i),
      PutLogEvents: (i) => this.putLogEvents(i),
      GetLogEvents: (i) => this.getLogEvents(i),
      FilterLogEvents: (i) => this.filterLogEvents(i),
      TagLogGroup: (i) => { const g = this.group(i); this.putTags(g.name, i.tags); return {}; },
      UntagLogGroup: (i) => { const g = this.group(i); this.deps.store.removeTags(g.name, list(i.tags, "tags")); return {}; },
      ListTagsLogGroup: (i) => ({ tags: this.deps.store.tags(this.group(i).name) }),
      TagResource: (i) => { this.putTags(this.groupOfArn(i.resourceArn).name, i.tags); return {}; },
      UntagResource: (i) => { this.deps.store.removeTags(this.groupOfArn(i.resourceArn).name, list(i.tagKeys, "tagKeys")); return {}; },
      ListTagsForResource: (i) => ({ tags: this.deps.store.tags(this.groupOfArn(i.resourceArn).name) }),
    };
  }

  // ---- names and lookups -------------------------------------------------------------

  groupArn(name: string): string {
    return `arn:aws:logs:${this.deps.region}:${ACCOUNT_ID}:log-group:${name}`;
  }

  /** The IAM resource an operation acts on. */
  resourceFor(operation: string, input: Input): string {
    const group = typeof input.logGroupName === "string" ? input.logGroupName : nameFromIdentifier(input.logGroupIdentifier ?? "") ?? nameFromIdentifier(input.resourceArn ?? "");
    if (!group) return `${this.groupArn("*")}`;
    if (typeof input.logStreamName === "string" && /LogStream|LogEvents$/.test(operation) && operation !== "FilterLogEvents")
      return `${this.groupArn(group)}:log-stream:${input.logStreamName}`;
    return `${this.groupArn(group)}:*`;
  }

  private groupName(i: Input): string {
    const name = i.logGroupName ?? nameFromIdentifier(i.logGroupIdentifier ?? "");
    if (typeof name !== "string" || !name) throw validationError("logGroupName", undefined, "Member must not be null");
    return name;
  }

  private group(i: Input): LogGroupRow {
    const g = this.deps.store.group(this.groupName(i));
    if (!g) throw groupNotFound();
    return g;
  }

  private groupOfArn(arn: unknown): LogGroupRow {
    if (typeof arn !== "string") throw validationError("resourceArn", arn, "Member must not be null");
    const name = nameFromIdentifier(arn);
    if (!name || !arn.startsWith("arn:")) throw invalidParameter(`Invalid resource ARN: ${arn}`);
    const g = this.deps.store.group(name);
    if (!g) throw new AwsError("ResourceNotFoundException", `The specified resource does not exist: ${arn}`, 400);
    return g;
  }

  private stream(i: Input): LogStreamRow {
    const g = this.group(i);
    if (typeof i.logStreamName !== "string" || !i.logStreamName) throw validationError("logStreamName", i.logStreamName, "Member must not be null");
    const s = this.deps.store.stream(g.name, i.logStreamName);
    if (!s) throw streamNotFound();
    return s;
  }

  private putTags(group: string, tags: unknown): void {
    if (!tags || typeof tags !== "object" || Array.isArray(tags)) throw validationError("tags", undefined, "Member must not be null");
    const entries = Object.entries(tags as Record<string, unknown>);
    if (Object.keys({ ...this.deps.store.tags(group), ...(tags as object) }).length > 50) throw invalidParameter("A log group can have at most 50 tags.");
    for (const [k, v] of entries) if (typeof v !== "string") throw invalidParameter(`Tag value of ${k} must be a string`);
    this.deps.store.putTags(group, tags as Record<string, string>);
  }

  private retentionStart(g: LogGroupRow): number | undefined {
    return g.retention_days ? this.now() - g.retention_days * DAY : undefined;
  }

  // ---- groups --------------------------------------------------------------------------

  private createLogGroup(i: Input): Input {
    // Name and class are checked with the request (the model's pattern and enum).
    const name: string = i.logGroupName;
    const cls = i.logGroupClass ?? "STANDARD";
    if (this.deps.store.group(name)) throw new AwsError("ResourceAlreadyExistsException", "The specified log group already exists", 400);
    this.deps.store.createGroup(name, this.now(), i.kmsKeyId, cls);
    if (i.tags) this.putTags(name, i.tags);
    return {};
  }

  private groupOut(g: LogGroupRow): Input {
    const out: Input = {
      logGroupName: g.name,
      creationTime: g.created,
      metricFilterCount: 0,
      arn: `${this.groupArn(g.name)}:*`,
      storedBytes: g.stored_bytes,
      logGroupClass: g.log_group_class,
      logGroupArn: this.groupArn(g.name),
    };
    if (g.retention_days) out.retentionInDays = g.retention_days;
    if (g.kms_key_id) out.kmsKeyId = g.kms_key_id;
    return out;
  }

  private describeLogGroups(i: Input): Input {
    const limit = boundedLimit(i.limit, 50);
    let groups = this.deps.store.groupsWithPrefix(typeof i.logGroupNamePrefix === "string" ? i.logGroupNamePrefix : "");
    if (i.logGroupNamePrefix && i.logGroupNamePattern) throw invalidParameter("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.");
    if (typeof i.logGroupNamePattern === "string") {
      const needle = i.logGroupNamePattern.toLowerCase();
      groups = groups.filter((g) => g.name.toLowerCase().includes(needle));
    }
    if (i.logGroupClass) groups = groups.filter((g) => g.log_group_class === i.logGroupClass);
    const start = decodeOffset(i.nextToken);
    const page = groups.slice(start, start + limit);
    const out: Input = { logGroups: page.map((g) => this.groupOut(g)) };
    if (start + limit < groups.length) out.nextToken = encodeOffset(start + limit);
    return out;
  }

  private putRetentionPolicy(i: Input): Input {
    const g = this.group(i);
    if (!RETENTION_DAYS.includes(i.retentionInDays))
      throw validationError("retentionInDays", i.retentionInDays, `Member must satisfy enum value set: [${RETENTION_DAYS.join(", ")}]`);
    this.deps.store.setRetention(g.name, i.retentionInDays);
    this.deps.store.expire(this.now(), g.name);
    return {};
  }

  // ---- streams ---------------------------------------------------------------------------

  private createLogStream(i: Input): Input {
    const g = this.group(i);
    const name: string = i.logStreamName;
    if (this.deps.store.stream(g.name, name)) throw new AwsError("ResourceAlreadyExistsException", "The specified log stream already exists", 400);
    this.deps.store.createStream(g.name, name, this.now());
    return {};
  }

  private streamOut(s: LogStreamRow): Input {
    const out: Input = {
      logStreamName: s.name,
      creationTime: s.created,
      arn: `${this.groupArn(s.group_name)}:log-stream:${s.name}`,
      storedBytes: s.stored_bytes,
    };
    if (s.first_event !== null) out.firstEventTimestamp = s.first_event;
    if (s.last_event !== null) out.lastEventTimestamp = s.last_event;
    if (s.last_ingestion !== null) out.lastIngestionTime = s.last_ingestion;
    if (s.upload_seq) out.uploadSequenceToken = String(s.upload_seq).padStart(56, "4");
    return out;
  }

  private describeLogStreams(i: Input): Input {
    const g = this.group(i);
    const orderBy = i.orderBy ?? "LogStreamName";
    if (orderBy !== "LogStreamName" && orderBy !== "LastEventTime") throw validationError("orderBy", orderBy, "Member must satisfy enum value set: [LogStreamName, LastEventTime]");
    if (orderBy === "LastEventTime" && i.logStreamNamePrefix) throw invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
    const limit = boundedLimit(i.limit, 50);
    let streams = this.deps.store.streamsWithPrefix(g.name, typeof i.logStreamNamePrefix === "string" ? i.logStreamNamePrefix : "");
    if (orderBy === "LastEventTime") streams = [...streams].sort((a, b) => (a.last_event ?? -1) - (b.last_event ?? -1) || (a.name < b.name ? -1 : 1));
    if (i.descending) streams = [...streams].reverse();
    const start = decodeOffset(i.nextToken);
    const page = streams.slice(start, start + limit);
    const out: Input = { logStreams: page.map((s) => this.streamOut(s)) };
    if (start + limit < streams.length) out.nextToken = encodeOffset(start + limit);
    return out;
  }

  // ---- events ----------------------------------------------------------------------------

  private putLogEvents(i: Input): Input {
    const s = this.stream(i);
    const events = i.logEvents;
    if (!Array.isArray(events)) throw validationError("logEvents", undefined, "Member must not be null");
    if (events.length < 1 || events.length > 10_000) throw validationError("logEvents", `[${events.length} events]`, "Member must have length between 1 and 10000");
    let bytes = 0;
    for (let k = 0; k < events.length; k++) {
      const e = events[k];
      if (!e || typeof e.message !== "string" || typeof e.timestamp !== "number" || !Number.isFinite(e.timestamp))
        throw validationError(`logEvents.${k + 1}.member`, undefined, "Member must have a numeric timestamp and a string message");
      if (e.message.length < 1) throw validationError(`logEvents.${k + 1}.member.message`, "", "Member must have length greater than or equal to 1");
      if (k > 0 && e.timestamp < events[k - 1].timestamp) throw invalidParameter("Log events in a single PutLogEvents request must be in chronological order.");
      bytes += Buffer.byteLength(e.message) + 26;
    }
    if (bytes > MAX_BATCH_BYTES) throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
    if (events[events.length - 1].timestamp - events[0].timestamp > DAY)
      throw invalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");

    const now = this.now();
    const g = this.deps.store.group(s.group_name)!;
    const tooOld = now - 14 * DAY;
    const expired = g.retention_days ? now - g.retention_days * DAY : -Infinity;
    const tooNew = now + 2 * 3_600_000;
    const rejected: Input = {};
    let accepted: { timestamp: number; message: string }[];
    if (events[0].timestamp >= expired && events[0].timestamp >= tooOld && events[events.length - 1].timestamp <= tooNew && events.every((e: any) => Number.isInteger(e.timestamp))) {
      // The common case (a service shipping fresh lines): every event is taken as it is.
      accepted = events;
    } else {
      accepted = [];
      events.forEach((e: any, k: number) => {
        if (e.timestamp < expired) rejected.expiredLogEventEndIndex = k;
        else if (e.timestamp < tooOld) rejected.tooOldLogEventEndIndex = k;
        else if (e.timestamp > tooNew) rejected.tooNewLogEventStartIndex ??= k;
        else accepted.push({ timestamp: Math.trunc(e.timestamp), message: e.message });
      });
      bytes = accepted.reduce((n, e) => n + Buffer.byteLength(e.message) + 26, 0);
    }
    let seq = s.upload_seq;
    if (accepted.length) seq = this.deps.store.appendEvents(s.group_name, s.name, accepted, now, bytes);
    const out: Input = { nextSequenceToken: String(seq + 1).padStart(56, "4") };
    if (Object.keys(rejected).length) out.rejectedLogEventsInfo = rejected;
    return out;
  }

  private getLogEvents(i: Input): Input {
    const s = this.stream(i);
    const g = this.deps.store.group(s.group_name)!;
    const limit = boundedLimit(i.limit, 10_000);
    const retention = this.retentionStart(g);
    const start = maxDefined(num(i.startTime, "startTime"), retention);
    const end = num(i.endTime, "endTime");
    const base = { group: s.group_name, streams: [s.name], start, end, limit };
    const token = i.nextToken ? parseDirectionalToken(String(i.nextToken)) : undefined;

    let rows;
    if (token?.forward) rows = this.deps.store.events({ ...base, after: token.cursor });
    else if (token) rows = this.deps.store.events({ ...base, before: token.cursor, descending: true }).reverse();
    else if (i.startFromHead) rows = this.deps.store.events(base);
    else rows = this.deps.store.events({ ...base, descending: true }).reverse();

    const events = rows.map((r) => ({ timestamp: r.timestamp, message: r.message, ingestionTime: r.ingestion }));
    const first = rows[0], last = rows[rows.length - 1];
    // an empty page keeps the caller where it was: the token it sent comes back, which is how clients detect the end
    const fwd = last ? forwardToken(last) : token ? (token.forward ? forwardToken(token.cursor) : forwardToken({ timestamp: token.cursor.timestamp, id: token.cursor.id - 1 })) : forwardToken({ timestamp: 0, id: 0 });
    const bwd = first ? backwardToken(first) : token ? (token.forward ? backwardToken({ timestamp: token.cursor.timestamp, id: token.cursor.id + 1 }) : backwardToken(token.cursor)) : backwardToken({ timestamp: 0, id: 0 });
    return { events, nextForwardToken: fwd, nextBackwardToken: bwd };
  }

  private filterLogEvents(i: Input): Input {
    const g = this.group(i);
    if (i.logStreamNames && i.logStreamNamePrefix) throw invalidParameter("Cannot specify both LogStreamNames and LogStreamNamePrefix");
    let matcher;
    try {
      matcher = compileFilterPattern(i.filterPattern);
    } catch (err) {
      if (err instanceof FilterPatternError) throw invalidParameter(`Invalid filter pattern: ${err.message}`);
      throw err;
    }
    let streams: string[] | undefined;
    if (Array.isArray(i.logStreamNames)) streams = i.logStreamNames.map(String);
    else if (typeof i.logStreamNamePrefix === "string") streams = this.deps.store.streamsWithPrefix(g.name, i.logStreamNamePrefix).map((s) => s.name);
    const limit = boundedLimit(i.limit, 10_000);
    const start = maxDefined(num(i.startTime, "startTime"), this.retentionStart(g));
    const end = num(i.endTime, "endTime");
    let after = undefined;
    if (i.nextToken) {
      after = decodeCursor(String(i.nextToken));
      if (!after) throw invalidParameter("The specified nextToken is invalid.");
    }
    const events: Input[] = [];
    const searched = new Set<string>();
    let more = false;
    const CHUNK = 1000;
    for (;;) {
      const rows = this.deps.store.events({ group: g.name, streams, start, end, after, limit: CHUNK });
      for (const r of rows) {
        after = { timestamp: r.timestamp, id: r.id };
        searched.add(r.stream);
        if (!matcher(r.message)) continue;
        events.push({ logStreamName: r.stream, timestamp: r.timestamp, message: r.message, ingestionTime: r.ingestion, eventId: encodeCursor(after) });
        if (events.length === limit) break;
      }
      if (events.length === limit) {
        more = this.deps.store.events({ group: g.name, streams, start, end, after, limit: 1 }).length > 0;
        break;
      }
      if (rows.length < CHUNK) break;
    }
    const out: Input = {
      events,
      searchedLogStreams: [...(streams ?? searched)].map((logStreamName) => ({ logStreamName, searchedCompletely: !more })),
    };
    if (more && after) out.nextToken = encodeCursor(after);
    return out;
  }
}

/** "arn:aws:logs:r:a:log-group:NAME[:*]" or a plain name → the group name. */
export function nameFromIdentifier(id: string): string | undefined {
  if (!id) return undefined;
  const m = /^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(id);
  if (m) return m[1];
  return id.startsWith("arn:") ? undefined : id;
}

function boundedLimit(limit: unknown, max: number): number {
  if (limit === undefined || limit === null) return max;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > max)
    throw validationError("limit", limit, `Member must have value between 1 and ${max}`);
  return limit;
}

function num(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw validationError(field, v, "Member must have value greater than or equal to 0");
  return v;
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function list(v: unknown, field: string): string[] {
  if (!Array.isArray(v)) throw validationError(field, undefined, "Member must not be null");
  return v.map(String);
}
