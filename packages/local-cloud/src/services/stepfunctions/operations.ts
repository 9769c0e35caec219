/**
 * The `states` API over the store and the executions: state machines, executions,
 * their history, task tokens, activities and tags, with Step Functions' checks and
 * error codes (InvalidArn, InvalidName, InvalidDefinition, StateMachineDoesNotExist,
 * ExecutionAlreadyExists …). Timestamps are epoch seconds, as the JSON protocol sends them.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import { checkDefinition } from "./asl/definition.js";
import { MAX_PAYLOAD_BYTES, payloadFits } from "./asl/interpreter.js";
import type { Executions, RunnableMachine } from "./executions.js";
import type { ActivityRow, ExecutionRow, MachineRow, StepFunctionsStore } from "./store.js";
import type { MapRuns } from "./map-runs.js";
import type { ActivityQueues, TaskTokens } from "./task-tokens.js";
import { splitQualified, VersionsAndAliases, type RoutingEntry } from "./versions.js";

type Doc = Record<string, any>;
type Tag = { key?: string; value?: string };

const seconds = (ms: number) => ms / 1000;
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/.+$/;

function page<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken) {
    start = Number(Buffer.from(nextToken, "base64").toString("utf8"));
    if (!Number.isInteger(start) || start < 0) throw new AwsError("InvalidToken", `Invalid Token: '${nextToken}'`);
  }
  const size = maxResults && maxResults > 0 ? maxResults : 100;
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, nextToken: Buffer.from(String(start + size)).toString("base64") } : { items: slice };
}

const tagMap = (tags: Tag[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.key ?? "", t.value ?? ""]));

/** How long after its start a failed execution can be redriven. */
const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;

export class StepFunctionsOperations {
  private readonly versions: VersionsAndAliases;

  constructor(
    private readonly store: StepFunctionsStore,
    private readonly executions: Executions,
    private readonly tokens: TaskTokens,
    private readonly activities: ActivityQueues,
    private readonly region: string,
    private readonly accountId: string,
    /** Whether the role exists and trusts states.amazonaws.com (the role check CreateStateMachine makes). */
    private readonly roleTrustsStates: (roleArn: string) => boolean,
  ) {
    this.versions = new VersionsAndAliases(store);
  }

  machineArn(name: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
  }
  activityArn(name: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:activity:${name}`;
  }

  /** An ARN of the expected resource type, else InvalidArn worded as Step Functions words it. */
  private checkArn(arn: string, type: "stateMachine" | "execution" | "activity"): void {
    const parts = arn.split(":");
    if (parts.length < 7 || parts[0] !== "arn" || parts[2] !== "states") throw new AwsError("InvalidArn", `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
    const kind = parts[5];
    const ok = type === "execution" ? kind === "execution" || kind === "express" : kind === type;
    if (!ok) throw new AwsError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${kind}'`);
  }

  private machine(arn: string): MachineRow {
    this.checkArn(arn, "stateMachine");
    const row = this.store.machine(arn);
    if (!row) throw new AwsError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return row;
  }

  /** What StartExecution runs for a machine, version or alias ARN. */
  private runnable(arn: string): RunnableMachine {
    this.checkArn(arn, "stateMachine");
    const { machineArn, qualifier } = splitQualified(arn);
    const m = this.store.machine(machineArn);
    if (!m) throw new AwsError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return qualifier === undefined ? m : this.versions.runnable(m, qualifier);
  }

  private execution(arn: string): ExecutionRow {
    this.checkArn(arn, "execution");
    this.executions.flush();
    const row = arn.split(":")[5] === "express" ? undefined : this.store.execution(arn);
    if (!row) throw new AwsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    return row;
  }

  private checkDefinitionText(definition: string): void {
    const { problems } = checkDefinition(definition);
    if (problems.list.length) throw new AwsError("InvalidDefinition", problems.message());
  }

  private checkRole(roleArn: string): void {
    if (!ROLE_ARN.test(roleArn)) throw new AwsError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${roleArn.split(":")[5] ?? roleArn}'`);
    if (!this.roleTrustsStates(roleArn)) {
      throw new AwsError("AccessDeniedException", `Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role.`);
    }
  }

  CreateStateMachine(i: { name: string; definition: string; roleArn: string; type?: string; loggingConfiguration?: Doc; tracingConfiguration?: Doc; tags?: Tag[]; publish?: boolean; versionDescription?: string }) {
    if (!NAME.test(i.name)) throw new AwsError("InvalidName", `Invalid Name: '${i.name}'`);
    this.checkDefinitionText(i.definition);
    this.checkRole(i.roleArn);
    const type = (i.type ?? "STANDARD") as MachineRow["type"];
    if (i.loggingConfiguration?.level && i.loggingConfiguration.level !== "OFF" && !i.loggingConfiguration.destinations?.length) {
      throw new AwsError("InvalidLoggingConfiguration", "Invalid Logging Configuration: Must specify exactly one Log Destination.");
    }
    const arn = this.machineArn(i.name);
    const logging = JSON.stringify(i.loggingConfiguration ?? { level: "OFF", includeExecutionData: false });
    const tracing = JSON.stringify(i.tracingConfiguration ?? { enabled: false });
    const existing = this.store.machine(arn);
    if (existing) {
      if (existing.definition === i.definition && existing.role_arn === i.roleArn && existing.type === type && existing.logging === logging && existing.tracing === tracing) {
        return { stateMachineArn: arn, creationDate: seconds(existing.created), ...(i.publish ? this.versions.publish(existing, i.versionDescription) : {}) };
      }
      throw new AwsError("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}'`);
    }
    if (!i.publish && i.versionDescription !== undefined) throw new AwsError("ValidationException", "Version description can only be set when publish is true");
    const now = Date.now();
    const row: MachineRow = { arn, name: i.name, type, definition: i.definition, role_arn: i.roleArn, logging, tracing, created: now, updated: now, revision: randomUUID(), tags: JSON.stringify(tagMap(i.tags)) };
    this.store.insertMachine(row);
    const version = i.publish ? this.versions.publish(row, i.versionDescription) : undefined;
    return { stateMachineArn: arn, creationDate: seconds(now), ...(version ? { stateMachineVersionArn: version.stateMachineVersionArn } : {}) };
  }

  DescribeStateMachine(i: { stateMachineArn: string }) {
    this.checkArn(i.stateMachineArn, "stateMachine");
    const { machineArn, qualifier } = splitQualified(i.stateMachineArn);
    if (qualifier !== undefined && /^\d+$/.test(qualifier)) {
      const m = this.store.machine(machineArn);
      const v = this.store.version(i.stateMachineArn);
      if (!m || !v) throw new AwsError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${i.stateMachineArn}'`);
      return this.versions.describeVersion(v, m);
    }
    const m = this.machine(i.stateMachineArn);
    return this.describeMachine(m);
  }

  private describeMachine(m: MachineRow) {
    return {
      stateMachineArn: m.arn, name: m.name, status: "ACTIVE", definition: m.definition, roleArn: m.role_arn, type: m.type,
      creationDate: seconds(m.created), loggingConfiguration: JSON.parse(m.logging), tracingConfiguration: JSON.parse(m.tracing), revisionId: m.revision,
    };
  }

  UpdateStateMachine(i: { stateMachineArn: string; definition?: string; roleArn?: string; loggingConfiguration?: Doc; tracingConfiguration?: Doc; publish?: boolean; versionDescription?: string }) {
    const m = this.machine(i.stateMachineArn);
    if (i.definition === undefined && i.roleArn === undefined && i.loggingConfiguration === undefined && i.tracingConfiguration === undefined && !i.publish) {
      throw new AwsError("MissingRequiredParameter", "Either the role ARN, definition, logging configuration or tracing configuration must be specified");
    }
    if (i.definition !== undefined) this.checkDefinitionText(i.definition);
    if (i.roleArn !== undefined) this.checkRole(i.roleArn);
    if (!i.publish && i.versionDescription !== undefined) throw new AwsError("ValidationException", "Version description can only be set when publish is true");
    const next = {
      definition: i.definition ?? m.definition, role_arn: i.roleArn ?? m.role_arn,
      logging: i.loggingConfiguration ? JSON.stringify(i.loggingConfiguration) : m.logging, tracing: i.tracingConfiguration ? JSON.stringify(i.tracingConfiguration) : m.tracing,
    };
    const changed = next.definition !== m.definition || next.role_arn !== m.role_arn || next.logging !== m.logging || next.tracing !== m.tracing;
    // An update that changes nothing keeps the revision: publishing it again answers the same version.
    const updated = changed ? Date.now() : m.updated, revision = changed ? randomUUID() : m.revision;
    if (changed) this.store.updateMachine({ arn: m.arn, ...next, updated, revision });
    const version = i.publish ? this.versions.publish({ ...m, ...next, updated, revision }, i.versionDescription) : undefined;
    return { updateDate: seconds(updated), revisionId: revision, ...(version ? { stateMachineVersionArn: version.stateMachineVersionArn } : {}) };
  }

  PublishStateMachineVersion(i: { stateMachineArn: string; revisionId?: string; description?: string }) {
    return this.versions.publish(this.machine(i.stateMachineArn), i.description, i.revisionId);
  }

  ListStateMachineVersions(i: { stateMachineArn: string; maxResults?: number; nextToken?: string }) {
    const m = this.machine(i.stateMachineArn);
    const { items, nextToken } = page(this.versions.listVersions(m.arn), i.maxResults, i.nextToken);
    return { stateMachineVersions: items, ...(nextToken ? { nextToken } : {}) };
  }

  DeleteStateMachineVersion(i: { stateMachineVersionArn: string }) {
    this.checkArn(i.stateMachineVersionArn, "stateMachine");
    const { qualifier } = splitQualified(i.stateMachineVersionArn);
    if (qualifier === undefined || !/^\d+$/.test(qualifier)) throw new AwsError("ValidationException", `Invalid version ARN: '${i.stateMachineVersionArn}'`);
    this.versions.deleteVersion(i.stateMachineVersionArn);
    return {};
  }

  CreateStateMachineAlias(i: { name: string; description?: string; routingConfiguration: RoutingEntry[] }) {
    return this.versions.createAlias(i);
  }

  DescribeStateMachineAlias(i: { stateMachineAliasArn: string }) {
    this.checkArn(i.stateMachineAliasArn, "stateMachine");
    return this.versions.describeAlias(i.stateMachineAliasArn);
  }

  UpdateStateMachineAlias(i: { stateMachineAliasArn: string; description?: string; routingConfiguration?: RoutingEntry[] }) {
    this.checkArn(i.stateMachineAliasArn, "stateMachine");
    return this.versions.updateAlias(i);
  }

  DeleteStateMachineAlias(i: { stateMachineAliasArn: string }) {
    this.checkArn(i.stateMachineAliasArn, "stateMachine");
    this.store.deleteAlias(i.stateMachineAliasArn);
    return {};
  }

  ListStateMachineAliases(i: { stateMachineArn: string; maxResults?: number; nextToken?: string }) {
    const m = this.machine(i.stateMachineArn);
    const { items, nextToken } = page(this.versions.listAliases(m.arn), i.maxResults, i.nextToken);
    return { stateMachineAliases: items, ...(nextToken ? { nextToken } : {}) };
  }

  DeleteStateMachine(i: { stateMachineArn: string }) {
    this.checkArn(i.stateMachineArn, "stateMachine");
    const m = this.store.machine(i.stateMachineArn);
    if (m) {
      for (const e of this.store.executions(m.arn)) if (e.status === "RUNNING") this.executions.stop(e.arn);
      this.store.deleteMachine(m.arn);
    }
    return {};
  }

  ListStateMachines(i: { maxResults?: number; nextToken?: string }) {
    const { items, nextToken } = page(this.store.machines(), i.maxResults, i.nextToken);
    return { stateMachines: items.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: seconds(m.created) })), ...(nextToken ? { nextToken } : {}) };
  }

  ValidateStateMachineDefinition(i: { definition: string; type?: string }) {
    const { problems } = checkDefinition(i.definition);
    const diagnostics = problems.list.map((p) => {
      const m = /^(\w+): (.*) at (\S+)$/.exec(p);
      return { severity: "ERROR", code: m?.[1] ?? "SCHEMA_VALIDATION_FAILED", message: m?.[2] ?? p, location: m?.[3] };
    });
    return { result: diagnostics.length ? "FAIL" : "OK", diagnostics, truncated: false };
  }

  StartExecution(i: { stateMachineArn: string; name?: string; input?: string }) {
    const m = this.runnable(i.stateMachineArn);
    const name = i.name ?? randomUUID();
    if (!NAME.test(name)) throw new AwsError("InvalidName", `Invalid Name: '${name}'`);
    const input = this.parseInput(i.input);
    if (m.type === "STANDARD") {
      const arn = this.executions.executionArn(m, name);
      const existing = this.store.execution(arn);
      if (existing) {
        // A repeated name is idempotent while the first runs with the same input; otherwise the name is taken (for 90 days on AWS).
        if (existing.status === "RUNNING" && existing.input === input) return { executionArn: arn, startDate: seconds(existing.started) };
        throw new AwsError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
      }
    }
    return this.executions.start(m, name, input);
  }

  private parseInput(text: string | undefined): string {
    const input = text ?? "{}";
    // The wire layer refuses more than 262,144 characters; multi-byte text can still be more bytes than that.
    if (!payloadFits(input)) throw new AwsError("InvalidExecutionInput", `Invalid State Machine Execution Input: 'The input exceeds the maximum size of ${MAX_PAYLOAD_BYTES} bytes'`);
    try {
      JSON.parse(input);
    } catch (err) {
      throw new AwsError("InvalidExecutionInput", `Invalid State Machine Execution Input: '${(err as Error).message}'`);
    }
    return input;
  }

  async StartSyncExecution(i: { stateMachineArn: string; name?: string; input?: string }) {
    const m = this.runnable(i.stateMachineArn);
    if (m.type !== "EXPRESS") throw new AwsError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");
    const name = i.name ?? randomUUID();
    if (!NAME.test(name)) throw new AwsError("InvalidName", `Invalid Name: '${name}'`);
    const r = await this.executions.runSync(m, name, this.parseInput(i.input));
    return {
      ...r, inputDetails: { included: true }, ...(r.output !== undefined ? { outputDetails: { included: true } } : {}),
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((r.stopDate - r.startDate) * 10) * 100) },
    };
  }

  DescribeExecution(i: { executionArn: string }) {
    return describeExecution(this.execution(i.executionArn));
  }

  DescribeStateMachineForExecution(i: { executionArn: string }) {
    const e = this.execution(i.executionArn);
    const m = this.store.machine(e.machine_arn);
    return { stateMachineArn: e.machine_arn, name: e.machine_arn.split(":")[6], definition: e.definition, roleArn: e.role_arn, updateDate: seconds(m?.updated ?? e.started),
      loggingConfiguration: m ? JSON.parse(m.logging) : { level: "OFF", includeExecutionData: false }, tracingConfiguration: m ? JSON.parse(m.tracing) : { enabled: false } };
  }

  async StopExecution(i: { executionArn: string; error?: string; cause?: string }) {
    const e = this.execution(i.executionArn);
    if (e.status === "RUNNING" && this.executions.stop(e.arn, i.error, i.cause)) await this.executions.untilFinished(e.arn, new AbortController().signal);
    const after = this.store.execution(e.arn);
    return { stopDate: seconds(after?.stopped ?? Date.now()) };
  }

  ListExecutions(i: { stateMachineArn?: string; statusFilter?: string; maxResults?: number; nextToken?: string; mapRunArn?: string; redriveFilter?: string }) {
    if (!i.stateMachineArn) throw new AwsError("ValidationException", "Must provide a StateMachine ARN or MapRun ARN");
    this.checkArn(i.stateMachineArn, "stateMachine");
    const { machineArn, qualifier } = splitQualified(i.stateMachineArn);
    const m = this.machine(machineArn);
    if (m.type === "EXPRESS") throw new AwsError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");
    // A version or alias ARN lists the executions started on it.
    const rows = this.store.executions(m.arn).filter((e) => (!i.statusFilter || e.status === i.statusFilter)
      && (qualifier === undefined || e.version_arn === i.stateMachineArn || e.alias_arn === i.stateMachineArn)
      && (!i.redriveFilter || (i.redriveFilter === "REDRIVEN") === e.redrive_count > 0));
    const { items, nextToken } = page(rows, i.maxResults, i.nextToken);
    return {
      executions: items.map((e) => ({
        executionArn: e.arn, stateMachineArn: e.machine_arn, name: e.name, status: e.status, startDate: seconds(e.started), ...(e.stopped ? { stopDate: seconds(e.stopped) } : {}),
        ...(e.version_arn ? { stateMachineVersionArn: e.version_arn } : {}), ...(e.alias_arn ? { stateMachineAliasArn: e.alias_arn } : {}),
        ...(e.redrive_count ? { redriveCount: e.redrive_count, redriveDate: seconds(e.redrive_date!) } : {}),
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  ListMapRuns(i: { executionArn: string; maxResults?: number; nextToken?: string }, mapRuns: MapRuns) {
    const e = this.execution(i.executionArn);
    const { items, nextToken } = page(mapRuns.list(e.arn), i.maxResults, i.nextToken);
    return { mapRuns: items, ...(nextToken ? { nextToken } : {}) };
  }

  RedriveExecution(i: { executionArn: string; clientToken?: string }) {
    const e = this.execution(i.executionArn);
    const why = notRedrivable(e);
    if (why) throw new AwsError("ExecutionNotRedrivable", why);
    this.executions.redrive(e);
    return { redriveDate: seconds(this.store.execution(e.arn)!.redrive_date!) };
  }

  GetExecutionHistory(i: { executionArn: string; maxResults?: number; reverseOrder?: boolean; nextToken?: string; includeExecutionData?: boolean }) {
    const e = this.execution(i.executionArn);
    const rows = this.store.history(e.arn);
    if (i.reverseOrder) rows.reverse();
    const { items, nextToken } = page(rows, i.maxResults, i.nextToken);
    const withData = i.includeExecutionData ?? true;
    return {
      events: items.map((h) => {
        const details = h.details ? (JSON.parse(h.details) as Doc) : {};
        if (!withData) for (const d of Object.values(details)) for (const k of ["input", "output"]) if (k in d) delete d[k];
        return { timestamp: seconds(h.timestamp), type: h.type, id: h.id, previousEventId: h.previous, ...details };
      }),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  SendTaskSuccess(i: { taskToken: string; output: string }) {
    let output: unknown;
    try {
      output = JSON.parse(i.output);
    } catch (err) {
      throw new AwsError("InvalidOutput", `Invalid Output: '${(err as Error).message}'`);
    }
    this.tokens.succeed(i.taskToken, output);
    return {};
  }

  SendTaskFailure(i: { taskToken: string; error?: string; cause?: string }) {
    this.tokens.fail(i.taskToken, i.error ?? "", i.cause ?? "");
    return {};
  }

  SendTaskHeartbeat(i: { taskToken: string }) {
    this.tokens.heartbeat(i.taskToken);
    return {};
  }

  CreateActivity(i: { name: string; tags?: Tag[] }) {
    if (!NAME.test(i.name)) throw new AwsError("InvalidName", `Invalid Name: '${i.name}'`);
    const arn = this.activityArn(i.name);
    const existing = this.store.activity(arn);
    if (existing) return { activityArn: arn, creationDate: seconds(existing.created) };
    const now = Date.now();
    this.store.insertActivity({ arn, name: i.name, created: now, tags: JSON.stringify(tagMap(i.tags)) });
    return { activityArn: arn, creationDate: seconds(now) };
  }

  private activity(arn: string): ActivityRow {
    this.checkArn(arn, "activity");
    const row = this.store.activity(arn);
    if (!row) throw new AwsError("ActivityDoesNotExist", `Activity Does Not Exist: '${arn}'`);
    return row;
  }

  DescribeActivity(i: { activityArn: string }) {
    const a = this.activity(i.activityArn);
    return { activityArn: a.arn, name: a.name, creationDate: seconds(a.created) };
  }

  DeleteActivity(i: { activityArn: string }) {
    this.checkArn(i.activityArn, "activity");
    this.store.deleteActivity(i.activityArn);
    return {};
  }

  ListActivities(i: { maxResults?: number; nextToken?: string }) {
    const { items, nextToken } = page(this.store.activities(), i.maxResults, i.nextToken);
    return { activities: items.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: seconds(a.created) })), ...(nextToken ? { nextToken } : {}) };
  }

  async GetActivityTask(i: { activityArn: string; workerName?: string }, waitMs = 60_000) {
    this.activity(i.activityArn);
    const task = await this.activities.poll(i.activityArn, waitMs);
    return task ? { taskToken: task.token, input: task.input } : {};
  }

  private tagged(arn: string): { tags: Record<string, string> } {
    const row = this.store.machine(arn) ?? this.store.activity(arn);
    if (!row) throw new AwsError("ResourceNotFound", `Resource not found: '${arn}'`);
    return { tags: JSON.parse(row.tags) };
  }

  TagResource(i: { resourceArn: string; tags: Tag[] }) {
    const { tags } = this.tagged(i.resourceArn);
    const merged = { ...tags, ...tagMap(i.tags) };
    if (Object.keys(merged).length > 50) throw new AwsError("TooManyTags", `Too many tags: the resource would have ${Object.keys(merged).length} tags (at most 50)`, 400, { resourceName: i.resourceArn });
    this.store.setTags(i.resourceArn, merged);
    return {};
  }

  UntagResource(i: { resourceArn: string; tagKeys: string[] }) {
    const { tags } = this.tagged(i.resourceArn);
    for (const k of i.tagKeys) delete tags[k];
    this.store.setTags(i.resourceArn, tags);
    return {};
  }

  ListTagsForResource(i: { resourceArn: string }) {
    const { tags } = this.tagged(i.resourceArn);
    return { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) };
  }
}

export function describeExecution(e: ExecutionRow) {
  const why = notRedrivable(e);
  return {
    executionArn: e.arn, stateMachineArn: e.machine_arn, name: e.name, status: e.status, startDate: seconds(e.started),
    ...(e.stopped ? { stopDate: seconds(e.stopped) } : {}),
    input: e.input, inputDetails: { included: true },
    ...(e.output !== null ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(e.error !== null ? { error: e.error } : {}), ...(e.cause !== null ? { cause: e.cause } : {}),
    ...(e.version_arn ? { stateMachineVersionArn: e.version_arn } : {}), ...(e.alias_arn ? { stateMachineAliasArn: e.alias_arn } : {}),
    redriveCount: e.redrive_count ?? 0, ...(e.redrive_date ? { redriveDate: seconds(e.redrive_date) } : {}),
    ...(why ? { redriveStatus: "NOT_REDRIVABLE", redriveStatusReason: why } : { redriveStatus: "REDRIVABLE" }),
  };
}

/** Why an execution cannot be redriven (as DescribeExecution's redriveStatusReason says it), or undefined when it can. */
export function notRedrivable(e: ExecutionRow, now = Date.now()): string | undefined {
  if (e.status === "RUNNING" || e.status === "SUCCEEDED") return `Execution is ${e.status} and cannot be redriven`;
  if (now - e.started > REDRIVE_WINDOW_MS) return "Execution can not be redriven after 14 days of its start";
  if (!e.checkpoint_state) return "Execution failed before entering any state and cannot be redriven";
  return undefined;
}
