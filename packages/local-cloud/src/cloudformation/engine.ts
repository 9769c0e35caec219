/**
 * The CloudFormation engine: turns a template into provisioned resources and keeps
 * stacks converged.
 *
 * create/update: evaluate parameters, rules and conditions, check every resource
 * type has a provider (before anything is touched), then walk the dependency graph
 * (independent resources concurrently). Each resource is created, left alone when its
 * resolved properties did not change, updated in place, or replaced (new one first,
 * old one deleted in the cleanup phase). Any failure rolls everything done so far
 * back, so a stack is never left half-deployed.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../server/aws-error.js";
import { parseTemplate, validationError, type Template, type ResourceDefinition } from "./template.js";
import { resolve } from "./intrinsics.js";
import { buildGraph, runInOrder, type DependencyGraph } from "./graph.js";
import { resolveParameters, type ParameterInput } from "./parameters.js";
import { checkRules } from "./rules.js";
import { createScope } from "./scope.js";
import { generatePhysicalName, NewPhysicalResource, type CloudLike, type ProviderContext, type ResourceProvider } from "./provider.js";
import type { StackStore, StackState, ResourceState, StackEvent, StackOutput } from "./store.js";
import { stableEqual, changedKeys } from "./equality.js";

export interface DeployRequest {
  stackName: string;
  templateBody: string;
  parameters?: ParameterInput[];
  capabilities?: string[];
  tags?: Array<{ Key: string; Value: string }>;
  /** Stack events as they happen (also recorded for DescribeStackEvents). */
  onEvent?: (e: StackEvent) => void;
}

/** A template evaluated against parameters, ready to execute or diff. */
export interface PreparedDeploy {
  template: Template;
  parameters: Awaited<ReturnType<typeof resolveParameters>>;
  conditions: Record<string, boolean>;
  /** Resources whose Condition holds. */
  desired: Record<string, ResourceDefinition>;
  graph: DependencyGraph;
}

export type Journal = Array<{ kind: "create" | "update" | "replace"; logicalId: string; before?: ResourceState; after: ResourceState }>;

export type ProviderLookup = (type: string) => ResourceProvider | undefined;

export class StackEngine {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly cloud: CloudLike,
    private readonly store: StackStore,
    private readonly providerFor: ProviderLookup,
    private readonly emit: (e: StackEvent) => void = () => {},
  ) {}

  newStackId(stackName: string): string {
    return `arn:aws:cloudformation:${this.cloud.region}:${this.cloud.accountId}:stack/${stackName}/${randomUUID()}`;
  }

  /** Serialize operations on one stack (the API answers after the work is done). */
  async withLock<T>(stackName: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(stackName) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(fn);
    this.locks.set(stackName, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(stackName) === run) this.locks.delete(stackName);
    }
  }

  /** Evaluate a template for a stack: parameters, rules, conditions, providers, graph. */
  async prepare(stackName: string, stackId: string, templateBody: string, params: ParameterInput[] | undefined, previous?: StackState): Promise<PreparedDeploy> {
    const template = parseTemplate(templateBody);
    const parameters = await resolveParameters(template, params, previous?.parameters, (name) => this.readSsm(name));
    const scope = createScope({
      template, stackName, stackId, region: this.cloud.region, accountId: this.cloud.accountId,
      parameters: parameters.values, resources: () => ({}), findExport: () => undefined,
    });
    checkRules(template, scope);
    for (const name of Object.keys(template.Conditions ?? {})) scope.condition(name);
    const desired: Record<string, ResourceDefinition> = {};
    const excluded = new Set<string>();
    for (const [id, def] of Object.entries(template.Resources)) {
      if (def.Condition === undefined || scope.condition(def.Condition)) desired[id] = def;
      else excluded.add(id);
    }
    for (const [id, def] of Object.entries(desired)) {
      if (!this.providerFor(def.Type)) {
        const path = def.Metadata?.["aws:cdk:path"];
        throw validationError(`Unsupported resource type ${def.Type} for ${id}${typeof path === "string" ? ` (${path})` : ""}`);
      }
    }
    const graph = buildGraph(desired, (c) => scope.condition(c), excluded);
    return { template, parameters, conditions: scope.conditions, desired, graph };
  }

  private async readSsm(name: string): Promise<string | undefined> {
    try {
      const out = await this.cloud.ssm.call("GetParameter", { Name: name });
      return out?.Parameter?.Value;
    } catch {
      return undefined;
    }
  }

  /** Same template, same parameter values (and tags, when given): a deploy would do nothing. */
  isUnchanged(stack: StackState, prepared: PreparedDeploy, tags?: unknown): boolean {
    if (stack.endpointMoved) return false;
    let deployed: unknown;
    try {
      deployed = parseTemplate(stack.templateBody);
    } catch {
      return false;
    }
    const params = (list: StackState["parameters"]) => list.map((p) => [p.ParameterKey, p.ParameterValue, p.ResolvedValue]);
    return stableEqual(prepared.template, deployed)
      && stableEqual(params(prepared.parameters.stored), params(stack.parameters))
      && (tags === undefined || stableEqual(tags, stack.tags));
  }

  /** Live exports of every stack but `exceptStackId`. */
  exports(exceptStackId?: string): Map<string, { value: string; stackId: string; stackName: string }> {
    const map = new Map<string, { value: string; stackId: string; stackName: string }>();
    for (const s of this.store.list(false)) {
      if (s.stackId === exceptStackId) continue;
      for (const o of s.outputs) if (o.ExportName) map.set(o.ExportName, { value: o.OutputValue, stackId: s.stackId, stackName: s.stackName });
    }
    return map;
  }

  /** Stacks (other than `stackId`) importing `exportName`. */
  importers(exportName: string, stackId: string): string[] {
    return this.store.list(false).filter((s) => s.stackId !== stackId && s.imports.includes(exportName)).map((s) => s.stackName);
  }

  /**
   * Create (no `existing`) or update a stack and wait for the outcome. Returns the
   * final state: *_COMPLETE, or ROLLBACK_COMPLETE / UPDATE_ROLLBACK_COMPLETE after a failure.
   */
  async deploy(req: DeployRequest, prepared: PreparedDeploy, existing?: StackState, stackId?: string): Promise<StackState> {
    const now = new Date().toISOString();
    const isCreate = !existing;
    const previous: StackState | undefined = existing ? structuredClone(existing) : undefined;
    const stack: StackState = existing
      ? { ...structuredClone(existing), endpointMoved: undefined, status: "UPDATE_IN_PROGRESS", statusReason: "User Initiated", lastUpdatedTime: now }
      : {
          stackId: stackId ?? this.newStackId(req.stackName), stackName: req.stackName, status: "CREATE_IN_PROGRESS",
          statusReason: "User Initiated", templateBody: req.templateBody, parameters: [], resources: {}, outputs: [],
          imports: [], capabilities: req.capabilities ?? [], tags: req.tags ?? [], creationTime: now,
        };
    const events = (e: StackEvent) => { this.store.addEvent(e); this.emit(e); req.onEvent?.(e); };
    const stackEvent = (status: string, reason?: string) => {
      stack.status = status;
      stack.statusReason = reason;
      this.store.save(stack);
      events(this.event(stack, stack.stackName, stack.stackId, "AWS::CloudFormation::Stack", status, reason));
    };
    delete stack.pending; // a journal left from an earlier deploy is not this one's
    stackEvent(stack.status, "User Initiated");

    const { template, desired, graph } = prepared;
    const oldResources = previous?.resources ?? {};
    const working: Record<string, ResourceState> = {};
    const imports = new Set<string>();
    // The other stacks' exports, read once for this deploy: each Fn::ImportValue used to
    // read and parse every stack. A name not found is looked up again (a stack deployed
    // side by side may have exported it since) before the import fails.
    let otherExports: ReturnType<StackEngine["exports"]> | undefined;
    const findExport = (name: string): string | undefined => {
      const found = (otherExports ??= this.exports(stack.stackId)).get(name);
      if (found) return found.value;
      otherExports = this.exports(stack.stackId);
      return otherExports.get(name)?.value;
    };
    const scope = createScope({
      template, stackName: stack.stackName, stackId: stack.stackId, region: this.cloud.region, accountId: this.cloud.accountId,
      parameters: prepared.parameters.values, resources: () => working,
      findExport: (n) => findExport(n), onImport: (n) => imports.add(n),
      endpoint: this.cloud.endpoint,
    });
    Object.assign(scope.conditions, prepared.conditions);
    // The journal is stored entry by entry as it grows, so a restart mid-deploy can undo it
    // (see recover()); saves of the stack keep it until one without `pending` commits.
    const journal: Journal = [];
    const record = (entry: Journal[number]) => {
      journal.push(entry);
      stack.pending = journal;
      this.store.appendJournal(stack.stackId, entry);
    };
    const failed: string[] = [];
    const resEvent = (r: { logicalId: string; type: string; physicalId: string; properties?: unknown }, status: string, reason?: string) =>
      events(this.event(stack, r.logicalId, r.physicalId, r.type, status, reason, r.properties));

    try {
      await runInOrder(graph, async (id) => {
        const def = desired[id];
        const provider = this.providerFor(def.Type)!;
        let props: Record<string, any>;
        const old = oldResources[id];
        const base = { logicalId: id, type: def.Type, metadata: def.Metadata, deletionPolicy: def.DeletionPolicy, updateReplacePolicy: def.UpdateReplacePolicy, dependsOn: [...graph.get(id)!] };
        try {
          props = resolve(def.Properties ?? {}, scope) as Record<string, any>;
        } catch (e) {
          failed.push(id);
          resEvent({ logicalId: id, type: def.Type, physicalId: old?.physicalId ?? "" }, old ? "UPDATE_FAILED" : "CREATE_FAILED", (e as Error).message);
          throw e;
        }
        const ctx = this.context(stack, id, def, (v) => resolve(v, scope));
        const doCreate = async (replacing: boolean): Promise<ResourceState> => {
          const nameProp = provider.nameProperty;
          if (replacing && old && old.type === def.Type && nameProp && props[nameProp] !== undefined && stableEqual(props[nameProp], old.properties[nameProp])) {
            const message = `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${props[nameProp]} and update the stack again.`;
            failed.push(id);
            resEvent({ ...base, physicalId: old.physicalId, properties: props }, "UPDATE_FAILED", message);
            throw validationError(message);
          }
          resEvent({ ...base, physicalId: replacing ? old!.physicalId : "", properties: props }, replacing ? "UPDATE_IN_PROGRESS" : "CREATE_IN_PROGRESS",
            replacing ? "Requested update requires the creation of a new physical resource; hence creating one." : undefined);
          try {
            const created = await provider.create(props, ctx);
            const state: ResourceState = { ...base, physicalId: created.physicalId, properties: props, attributes: created.attributes ?? {}, status: replacing ? "UPDATE_COMPLETE" : "CREATE_COMPLETE", timestamp: new Date().toISOString() };
            record({ kind: replacing ? "replace" : "create", logicalId: id, before: old, after: state });
            resEvent(state, state.status);
            return state;
          } catch (e) {
            failed.push(id);
            resEvent({ ...base, physicalId: replacing ? old!.physicalId : "", properties: props }, replacing ? "UPDATE_FAILED" : "CREATE_FAILED", errorMessage(e));
            throw e;
          }
        };
        if (!old) {
          working[id] = await doCreate(false);
          return;
        }
        if (old.type !== def.Type) {
          working[id] = await doCreate(true);
          return;
        }
        if (stableEqual(props, old.properties)) {
          working[id] = { ...old, ...base, physicalId: old.physicalId, properties: old.properties, attributes: old.attributes };
          return;
        }
        const changed = changedKeys(props, old.properties);
        if (!provider.update || changed.some((k) => provider.replacementProps?.includes(k))) {
          working[id] = await doCreate(true);
          return;
        }
        resEvent({ ...base, physicalId: old.physicalId, properties: props }, "UPDATE_IN_PROGRESS");
        let result: Awaited<ReturnType<NonNullable<ResourceProvider["update"]>>>;
        try {
          result = await provider.update(old.physicalId, props, old.properties, ctx, old.attributes);
        } catch (e) {
          failed.push(id);
          resEvent({ ...base, physicalId: old.physicalId }, "UPDATE_FAILED", errorMessage(e));
          throw e;
        }
        if (result === "replace") {
          working[id] = await doCreate(true);
          return;
        }
        if (result instanceof NewPhysicalResource) {
          const state: ResourceState = { ...base, physicalId: result.physicalId, properties: props, attributes: result.attributes, status: "UPDATE_COMPLETE", timestamp: new Date().toISOString() };
          record({ kind: "replace", logicalId: id, before: old, after: state });
          working[id] = state;
          resEvent(state, "UPDATE_COMPLETE");
          return;
        }
        const state: ResourceState = { ...base, physicalId: old.physicalId, properties: props, attributes: result, status: "UPDATE_COMPLETE", timestamp: new Date().toISOString() };
        record({ kind: "update", logicalId: id, before: old, after: state });
        working[id] = state;
        resEvent(state, "UPDATE_COMPLETE");
      });
      const outputs = this.outputs(template, scope, stack);
      this.checkExports(stack, outputs, previous);
      // Success: commit, then clean up what was replaced or removed.
      stack.resources = working;
      delete stack.pending;
      stack.outputs = outputs;
      stack.imports = [...imports];
      stack.templateBody = req.templateBody;
      stack.parameters = prepared.parameters.stored;
      stack.description = template.Description;
      if (req.capabilities) stack.capabilities = req.capabilities;
      if (req.tags) stack.tags = req.tags;
      if (!isCreate) {
        stackEvent("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
        await this.cleanup(stack, journal, oldResources, working, resEvent);
      }
      stackEvent(isCreate ? "CREATE_COMPLETE" : "UPDATE_COMPLETE");
      return stack;
    } catch (e) {
      const reason = failed.length > 0
        ? `The following resource(s) failed to ${isCreate ? "create" : "update"}: [${failed.join(", ")}]. Rollback requested by user.`
        : errorMessage(e);
      stackEvent(isCreate ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS", reason);
      const rollbackFailed = await this.rollback(stack, journal, resEvent);
      delete stack.pending;
      if (previous) {
        stack.resources = previous.resources;
        stack.outputs = previous.outputs;
        stack.imports = previous.imports;
        stack.templateBody = previous.templateBody;
        stack.parameters = previous.parameters;
        stack.description = previous.description;
      } else {
        stack.resources = {};
        stack.outputs = [];
      }
      const final = isCreate ? (rollbackFailed ? "ROLLBACK_FAILED" : "ROLLBACK_COMPLETE") : (rollbackFailed ? "UPDATE_ROLLBACK_FAILED" : "UPDATE_ROLLBACK_COMPLETE");
      stackEvent(final, reason);
      // Remember the first failure for callers (deployAssembly reports it).
      (stack as StackState & { failure?: FailureInfo }).failure = this.failureInfo(e, failed[0], desired);
      return stack;
    }
  }

  private failureInfo(e: unknown, logicalId: string | undefined, desired: Record<string, ResourceDefinition>): FailureInfo {
    const path = logicalId ? desired[logicalId]?.Metadata?.["aws:cdk:path"] : undefined;
    return { logicalId, path: typeof path === "string" ? path : undefined, reason: errorMessage(e) };
  }

  private outputs(template: Template, scope: ReturnType<typeof createScope>, stack: StackState): StackOutput[] {
    const out: StackOutput[] = [];
    for (const [key, def] of Object.entries(template.Outputs ?? {})) {
      if (def.Condition !== undefined && !scope.condition(def.Condition)) continue;
      const value = resolve(def.Value, scope);
      const o: StackOutput = { OutputKey: key, OutputValue: Array.isArray(value) ? value.join(",") : String(value) };
      if (def.Description !== undefined) o.Description = String(resolve(def.Description, scope));
      if (def.Export) o.ExportName = String(resolve(def.Export.Name, scope));
      out.push(o);
    }
    const seen = new Set<string>();
    for (const o of out) {
      if (!o.ExportName) continue;
      if (seen.has(o.ExportName)) throw validationError(`Template error: duplicate export name ${o.ExportName} in stack ${stack.stackName}`);
      seen.add(o.ExportName);
    }
    return out;
  }

  /** Exports must be unique across stacks; one in use by another stack can't change or go. */
  private checkExports(stack: StackState, outputs: StackOutput[], previous?: StackState): void {
    const others = this.exports(stack.stackId);
    for (const o of outputs) {
      const other = o.ExportName ? others.get(o.ExportName) : undefined;
      if (other) throw validationError(`Export with name ${o.ExportName} is already exported by stack ${other.stackName}`);
    }
    for (const old of previous?.outputs ?? []) {
      if (!old.ExportName) continue;
      const now = outputs.find((o) => o.ExportName === old.ExportName);
      if (now && now.OutputValue === old.OutputValue) continue;
      const users = this.importers(old.ExportName, stack.stackId);
      if (users.length > 0) {
        throw validationError(now
          ? `Cannot update export ${old.ExportName} as it is in use by ${users.join(", ")}`
          : `Cannot delete export ${old.ExportName} as it is in use by ${users.join(", ")}`);
      }
    }
  }

  /** Delete replaced physical resources and removed resources, dependents first. Failures are recorded, not fatal. */
  private async cleanup(stack: StackState, journal: Journal, oldResources: Record<string, ResourceState>, working: Record<string, ResourceState>, resEvent: ResEvent): Promise<void> {
    for (const j of journal.filter((x) => x.kind === "replace").reverse()) {
      const old = j.before!;
      if (old.type === j.after.type && old.physicalId === j.after.physicalId) continue;
      await this.deleteOne(stack, old, resEvent, old.updateReplacePolicy);
    }
    const removed = Object.values(oldResources).filter((r) => !working[r.logicalId]);
    const graph: DependencyGraph = new Map(removed.map((r) => [r.logicalId, new Set(r.dependsOn.filter((d) => removed.some((x) => x.logicalId === d)))]));
    await runInOrder(graph, async (id) => {
      await this.deleteOne(stack, oldResources[id], resEvent, oldResources[id].deletionPolicy);
    }, true).catch(() => {});
  }

  private async deleteOne(stack: StackState, r: ResourceState, resEvent: ResEvent, policy: string | undefined, strict = false): Promise<void> {
    if (policy === "Retain" || policy === "RetainExceptOnCreate") {
      resEvent(r, "DELETE_SKIPPED");
      return;
    }
    resEvent(r, "DELETE_IN_PROGRESS");
    try {
      const provider = this.providerFor(r.type);
      if (provider) await provider.delete(r.physicalId, r.properties, this.context(stack, r.logicalId, { Type: r.type, Metadata: r.metadata }), r.attributes);
      resEvent(r, "DELETE_COMPLETE");
    } catch (e) {
      resEvent(r, "DELETE_FAILED", errorMessage(e));
      if (strict) throw e;
    }
  }

  /** Undo the journal, newest first. Returns whether anything could not be undone. */
  private async rollback(stack: StackState, journal: Journal, resEvent: ResEvent): Promise<boolean> {
    let failedAny = false;
    for (const j of [...journal].reverse()) {
      const provider = this.providerFor(j.after.type)!;
      const ctx = this.context(stack, j.logicalId, { Type: j.after.type, Metadata: j.after.metadata });
      try {
        if (j.kind === "update") {
          resEvent(j.before!, "UPDATE_IN_PROGRESS");
          const attrs = await provider.update!(j.after.physicalId, j.before!.properties, j.after.properties, ctx, j.after.attributes);
          if (attrs === "replace" || attrs instanceof NewPhysicalResource) throw new Error("cannot restore the previous properties in place");
          resEvent(j.before!, "UPDATE_COMPLETE");
        } else {
          resEvent(j.after, "DELETE_IN_PROGRESS");
          await provider.delete(j.after.physicalId, j.after.properties, ctx, j.after.attributes);
          resEvent(j.after, "DELETE_COMPLETE");
        }
      } catch (e) {
        failedAny = true;
        resEvent(j.after, j.kind === "update" ? "UPDATE_FAILED" : "DELETE_FAILED", errorMessage(e));
      }
    }
    return failedAny;
  }

  /**
   * After a restart: finish what a killed process left *_IN_PROGRESS. Deploys are rolled
   * back with their saved journal (nothing half-deployed survives), deletes are marked
   * DELETE_FAILED so they can be retried.
   */
  async recover(): Promise<void> {
    for (const stack of this.store.list(false)) {
      if (!stack.status.endsWith("_IN_PROGRESS") || stack.status === "REVIEW_IN_PROGRESS") continue;
      const resEvent: ResEvent = (r, status, reason) => {
        const e = this.event(stack, r.logicalId, r.physicalId, r.type, status, reason);
        this.store.addEvent(e);
        this.emit(e);
      };
      const set = (status: string, reason: string) => {
        stack.status = status;
        stack.statusReason = reason;
        this.store.save(stack);
        resEvent({ logicalId: stack.stackName, physicalId: stack.stackId, type: "AWS::CloudFormation::Stack" }, status, reason);
      };
      const reason = "The local cloud stopped during the operation";
      if (stack.status === "DELETE_IN_PROGRESS") {
        set("DELETE_FAILED", reason);
      } else if (stack.status === "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS") {
        set("UPDATE_COMPLETE", "Cleanup was interrupted by a restart");
      } else {
        const isCreate = stack.status === "CREATE_IN_PROGRESS" || stack.status === "ROLLBACK_IN_PROGRESS";
        set(isCreate ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS", reason);
        const failedUndo = await this.rollback(stack, stack.pending ?? [], resEvent);
        delete stack.pending;
        if (isCreate) stack.resources = {};
        set(isCreate ? (failedUndo ? "ROLLBACK_FAILED" : "ROLLBACK_COMPLETE") : (failedUndo ? "UPDATE_ROLLBACK_FAILED" : "UPDATE_ROLLBACK_COMPLETE"), reason);
      }
    }
  }

  /** Delete every resource of a stack, dependents first. */
  async deleteStack(existing: StackState, onEvent?: (e: StackEvent) => void): Promise<StackState> {
    const stack = structuredClone(existing);
    for (const o of stack.outputs) {
      if (!o.ExportName) continue;
      const users = this.importers(o.ExportName, stack.stackId);
      if (users.length > 0) throw validationError(`Export ${o.ExportName} cannot be deleted as it is in use by ${users.join(", ")}`);
    }
    const events = (e: StackEvent) => { this.store.addEvent(e); this.emit(e); onEvent?.(e); };
    const resEvent: ResEvent = (r, status, reason) => events(this.event(stack, r.logicalId, r.physicalId, r.type, status, reason));
    const stackEvent = (status: string, reason?: string) => {
      stack.status = status;
      stack.statusReason = reason;
      this.store.save(stack);
      events(this.event(stack, stack.stackName, stack.stackId, "AWS::CloudFormation::Stack", status, reason));
    };
    stackEvent("DELETE_IN_PROGRESS", "User Initiated");
    const resources = stack.resources;
    const graph: DependencyGraph = new Map(Object.values(resources).map((r) => [r.logicalId, new Set(r.dependsOn.filter((d) => d in resources))]));
    const failed: string[] = [];
    await runInOrder(graph, async (id) => {
      try {
        await this.deleteOne(stack, resources[id], resEvent, resources[id].deletionPolicy, true);
        delete stack.resources[id];
        this.store.save(stack);
      } catch {
        failed.push(id);
      }
    }, true);
    if (failed.length > 0) {
      stackEvent("DELETE_FAILED", `The following resource(s) failed to delete: [${failed.join(", ")}]. `);
      return stack;
    }
    stack.resources = {};
    stack.outputs = [];
    stack.imports = [];
    stack.deletionTime = new Date().toISOString();
    stackEvent("DELETE_COMPLETE");
    this.store.deleteChangeSetsOf(stack.stackId);
    return stack;
  }

  private context(stack: StackState, logicalId: string, def: { Type: string; Metadata?: Record<string, unknown>; Properties?: Record<string, unknown> }, resolveValue?: (v: unknown) => unknown): ProviderContext {
    return {
      cloud: this.cloud, stackName: stack.stackName, stackId: stack.stackId, logicalId, resourceType: def.Type,
      region: this.cloud.region, accountId: this.cloud.accountId, metadata: def.Metadata,
      templateProperties: def.Properties, resolveValue,
      physicalName: (opts) => generatePhysicalName(stack.stackName, logicalId, opts),
    };
  }

  private event(stack: StackState, logicalId: string, physicalId: string, type: string, status: string, reason?: string, props?: unknown): StackEvent {
    const e: StackEvent = {
      StackId: stack.stackId, EventId: randomUUID(), StackName: stack.stackName, LogicalResourceId: logicalId,
      PhysicalResourceId: physicalId, ResourceType: type, Timestamp: new Date().toISOString(), ResourceStatus: status,
    };
    if (reason !== undefined) e.ResourceStatusReason = reason;
    if (props !== undefined && status.endsWith("IN_PROGRESS")) e.ResourceProperties = JSON.stringify(props);
    return e;
  }
}

type ResEvent = (r: { logicalId: string; type: string; physicalId: string; properties?: unknown }, status: string, reason?: string) => void;

export interface FailureInfo {
  logicalId?: string;
  path?: string;
  reason: string;
}

export function errorMessage(e: unknown): string {
  if (e instanceof AwsError) return `${e.message} (Service: ${e.code}; Status Code: ${e.status})`.replace(/ \(Service: ValidationError; Status Code: 400\)$/, "");
  return e instanceof Error ? e.message : String(e);
}
