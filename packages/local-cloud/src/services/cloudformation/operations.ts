/**
 * The CloudFormation API operations, in AWS SDK v3 input/output shapes. Stack
 * operations finish their work before they answer, so a caller's next DescribeStacks
 * already sees the *_COMPLETE (or rolled-back) status.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import type { CallContext } from "../../types.js";
import type { CloudLike } from "../../cloudformation/provider.js";
import type { StackEngine, ProviderLookup, PreparedDeploy } from "../../cloudformation/engine.js";
import type { StackStore, StackState, ChangeSetState } from "../../cloudformation/store.js";
import { parseTemplate, type Template } from "../../cloudformation/template.js";
import { violationMessage } from "../../wire/constraints.js";
import { computeChanges } from "../../cloudformation/diff.js";
import { stableEqual } from "../../cloudformation/equality.js";
import type { ParameterInput } from "../../cloudformation/parameters.js";
import { templateFrom } from "./template-source.js";
import * as shapes from "./shapes.js";

const validation = (m: string) => new AwsError("ValidationError", m, 400);
const bool = (v: unknown) => v === true || v === "true";
/** Lists arrive as arrays, or as "" when the caller sent an empty list over the query protocol. */
const list = <T = unknown>(v: unknown): T[] | undefined => (Array.isArray(v) ? (v as T[]) : v === "" ? [] : undefined);
/** Tags: [{Key, Value}] with string keys, anything else dropped. */
const tags = (v: unknown) => list<any>(v)?.filter((t) => t && typeof t.Key === "string").map((t) => ({ Key: t.Key as string, Value: String(t.Value ?? "") }));
const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
const UPDATABLE = new Set(["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"]);
const NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set.";

type Op = (input: any, ctx: CallContext) => Promise<any>;

/** Offset pagination: NextToken is an opaque base64 offset, as AWS's tokens are opaque. */
function page<T>(all: T[], token: unknown, size: number): { items: T[]; next?: string } {
  let start = 0;
  if (token !== undefined && token !== "") {
    start = Number(Buffer.from(String(token), "base64").toString("utf8"));
    if (!Number.isInteger(start) || start < 0) throw validation("Invalid NextToken");
  }
  const items = all.slice(start, start + size);
  return { items, next: start + size < all.length ? Buffer.from(String(start + size)).toString("base64") : undefined };
}

export class CloudFormationApi {
  constructor(
    private readonly cloud: CloudLike,
    private readonly store: StackStore,
    private readonly engine: StackEngine,
    private readonly providerFor: ProviderLookup,
  ) {}

  readonly operations: Record<string, Op> = {
    // (inputs are normalised in normalize() before any operation sees them)
    CreateStack: (i) => this.createStack(i),
    UpdateStack: (i) => this.updateStack(i),
    DeleteStack: (i) => this.deleteStack(i),
    DescribeStacks: async (i) => this.describeStacks(i),
    DescribeStackEvents: async (i) => {
      const events = this.store.events(this.stackOrThrow(i.StackName, true).stackId).map(shapes.stackEvent);
      const { items, next } = page(events, i.NextToken, 100);
      return { StackEvents: items, NextToken: next };
    },
    DescribeStackResource: async (i) => this.describeStackResource(i),
    DescribeStackResources: async (i) => this.describeStackResources(i),
    ListStackResources: async (i) => {
      const s = this.stackOrThrow(i.StackName, true);
      return { StackResourceSummaries: Object.values(s.resources).map(shapes.stackResourceSummary) };
    },
    ListStacks: async (i) => {
      const filter: string[] | undefined = i.StackStatusFilter?.length ? i.StackStatusFilter : undefined;
      const { items, next } = page(this.store.list(true).filter((s) => !filter || filter.includes(s.status)).map(shapes.stackSummary), i.NextToken, 100);
      return { StackSummaries: items, NextToken: next };
    },
    GetTemplate: async (i) => this.getTemplate(i),
    GetTemplateSummary: async (i) => this.getTemplateSummary(i),
    ValidateTemplate: async (i) => this.validateTemplate(i),
    CreateChangeSet: (i) => this.createChangeSet(i),
    DescribeChangeSet: async (i) => shapes.describeChangeSet(this.changeSetOrThrow(i.ChangeSetName, i.StackName)),
    ExecuteChangeSet: (i) => this.executeChangeSet(i),
    DeleteChangeSet: async (i) => {
      // By name on an existing stack, a change set that is not there (executed, or never
      // made) is deleted already: AWS answers 200, and the CDK toolkit relies on it,
      // clearing "cdk-deploy-change-set" before every update without catching errors.
      if (typeof i.ChangeSetName === "string" && !i.ChangeSetName.startsWith("arn:") && typeof i.StackName === "string") {
        const existing = this.store.find(i.StackName);
        if (existing && existing.status !== "DELETE_COMPLETE" && !this.store.changeSet(i.ChangeSetName, existing.stackId)) return {};
      }
      const cs = this.changeSetOrThrow(i.ChangeSetName, i.StackName);
      if (cs.ExecutionStatus === "EXECUTE_IN_PROGRESS") throw new AwsError("InvalidChangeSetStatus", `Cannot delete ChangeSet in status ${cs.ExecutionStatus}`, 400);
      this.store.deleteChangeSet(cs.ChangeSetId);
      // A stack that only ever existed for this CREATE change set goes with it.
      const stack = this.store.find(cs.StackId);
      if (stack?.status === "REVIEW_IN_PROGRESS" && this.store.changeSets(stack.stackId).length === 0) {
        this.store.save({ ...stack, status: "DELETE_COMPLETE", deletionTime: new Date().toISOString() });
      }
      return {};
    },
    ListChangeSets: async (i) => ({ Summaries: this.store.changeSets(this.stackOrThrow(i.StackName, true).stackId).map(shapes.changeSetSummary) }),
    UpdateTerminationProtection: async (i) => {
      const s = this.stackOrThrow(i.StackName);
      await this.engine.withLock(s.stackName, async () => {
        const current = this.store.find(s.stackId)!;
        current.terminationProtection = bool(i.EnableTerminationProtection);
        this.store.save(current);
      });
      return { StackId: s.stackId };
    },
    ContinueUpdateRollback: async (i) => {
      const s = this.stackOrThrow(i.StackName);
      if (s.status !== "UPDATE_ROLLBACK_FAILED") throw validation(`Stack ${s.stackId} is in ${s.status} state and can not continue update rollback.`);
      // The engine restored the previous resource records already; what failed to undo is skipped.
      await this.engine.withLock(s.stackName, async () => {
        const current = this.store.find(s.stackId)!;
        current.status = "UPDATE_ROLLBACK_COMPLETE";
        current.statusReason = "Rollback continued by user";
        this.store.save(current);
      });
      return {};
    },
    ListExports: async () => ({
      Exports: [...this.engine.exports()].map(([Name, e]) => ({ ExportingStackId: e.stackId, Name, Value: e.value })),
    }),
    ListImports: async (i) => {
      if (!this.engine.exports().has(i.ExportName)) throw validation(`Export '${i.ExportName}' is not imported by any stack.`);
      const imports = this.store.list(false).filter((s) => s.imports.includes(i.ExportName)).map((s) => s.stackName);
      if (imports.length === 0) throw validation(`Export '${i.ExportName}' is not imported by any stack.`);
      return { Imports: imports };
    },
  };

  /** Normalise list-valued inputs once, so operations can trust their shapes. */
  normalize(input: any): any {
    const i = { ...(input ?? {}) };
    if (i.Capabilities !== undefined) i.Capabilities = list<string>(i.Capabilities)?.map(String) ?? [];
    if (i.Tags !== undefined) i.Tags = tags(i.Tags) ?? [];
    if (i.Parameters !== undefined) i.Parameters = list(i.Parameters) ?? [];
    if (i.StackStatusFilter !== undefined) i.StackStatusFilter = list<string>(i.StackStatusFilter) ?? [];
    return i;
  }

  /** A live stack by name or id; a deleted one only by id (AWS's rule). */
  stackOrThrow(nameOrId: string, allowDeleted = false): StackState {
    // Operations whose model makes StackName optional (DescribeStacks …) name no stack: none exists.
    if (typeof nameOrId !== "string" || nameOrId === "") throw validation(violationMessage(null, "stackName", "Member must not be null"));
    const s = this.store.find(nameOrId);
    if (!s || (!allowDeleted && s.status === "DELETE_COMPLETE")) throw validation(`Stack with id ${nameOrId} does not exist`);
    return s;
  }

  private checkStackName(name: unknown): string {
    // CreateStack's model states no pattern for a new stack's name: CloudFormation's own check, in the framework's words.
    if (typeof name !== "string" || name === "") throw validation(violationMessage(null, "stackName", "Member must not be null"));
    if (!STACK_NAME.test(name) || name.length > 128) {
      throw validation(violationMessage(name, "stackName", "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*"));
    }
    return name;
  }

  /** IAM resources need CAPABILITY_IAM; named ones CAPABILITY_NAMED_IAM (as AWS checks). */
  private checkCapabilities(template: Template, capabilities: string[] | undefined): void {
    const caps = new Set(capabilities ?? []);
    let needs: string | undefined;
    for (const def of Object.values(template.Resources)) {
      if (!def.Type.startsWith("AWS::IAM::")) continue;
      const p = def.Properties ?? {};
      const named = p.RoleName !== undefined || p.UserName !== undefined || p.GroupName !== undefined || p.ManagedPolicyName !== undefined || p.InstanceProfileName !== undefined;
      if (named) needs = "CAPABILITY_NAMED_IAM";
      else needs ??= "CAPABILITY_IAM";
    }
    if (!needs) return;
    if (caps.has("CAPABILITY_NAMED_IAM") || (needs === "CAPABILITY_IAM" && caps.has("CAPABILITY_IAM"))) return;
    throw new AwsError("InsufficientCapabilitiesException", `Requires capabilities : [${needs}]`, 400);
  }

  private params(list: unknown): ParameterInput[] | undefined {
    if (!Array.isArray(list)) return undefined;
    return list.map((p: any) => ({ ParameterKey: p.ParameterKey, ParameterValue: p.ParameterValue, UsePreviousValue: p.UsePreviousValue === undefined ? undefined : bool(p.UsePreviousValue) }));
  }

  private async createStack(i: any) {
    const name = this.checkStackName(i.StackName);
    return this.engine.withLock(name, async () => {
      const existing = this.store.find(name);
      if (existing && existing.status !== "REVIEW_IN_PROGRESS") throw new AwsError("AlreadyExistsException", `Stack [${name}] already exists`, 400);
      const body = await templateFrom(this.cloud, i);
      this.checkCapabilities(parseTemplate(body), i.Capabilities);
      const stackId = existing?.stackId ?? this.engine.newStackId(name);
      const params = this.params(i.Parameters);
      const prepared = await this.engine.prepare(name, stackId, body, params);
      const final = await this.engine.deploy({ stackName: name, templateBody: body, parameters: params, capabilities: i.Capabilities, tags: i.Tags }, prepared, undefined, stackId);
      if (bool(i.EnableTerminationProtection) && final.status === "CREATE_COMPLETE") {
        final.terminationProtection = true;
        this.store.save(final);
      }
      // OnFailure=DELETE: a stack whose creation failed is deleted rather than kept in ROLLBACK_COMPLETE.
      if (i.OnFailure === "DELETE" && final.status === "ROLLBACK_COMPLETE") await this.engine.deleteStack(final);
      return { StackId: stackId };
    });
  }

  private async updateStack(i: any) {
    const existing = this.stackOrThrow(i.StackName);
    return this.engine.withLock(existing.stackName, async () => {
      const stack = this.stackOrThrow(existing.stackId);
      if (!UPDATABLE.has(stack.status)) throw validation(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
      const body = bool(i.UsePreviousTemplate) ? stack.templateBody : await templateFrom(this.cloud, i);
      const template = parseTemplate(body);
      this.checkCapabilities(template, i.Capabilities ?? stack.capabilities);
      const params = this.params(i.Parameters) ?? stack.parameters.map((p) => ({ ParameterKey: p.ParameterKey, UsePreviousValue: true }))
        .filter((p) => p.ParameterKey in (template.Parameters ?? {}));
      const prepared = await this.engine.prepare(stack.stackName, stack.stackId, body, params, stack);
      if (this.unchanged(stack, prepared, i.Tags)) throw validation("No updates are to be performed.");
      await this.engine.deploy({ stackName: stack.stackName, templateBody: body, parameters: params, capabilities: i.Capabilities, tags: i.Tags }, prepared, stack);
      return { StackId: stack.stackId };
    });
  }

  /** Same template, same parameter values, same tags: nothing to do. */
  unchanged(stack: StackState, prepared: PreparedDeploy, tags?: unknown): boolean {
    return this.engine.isUnchanged(stack, prepared, tags);
  }

  private async deleteStack(i: any) {
    const s = typeof i.StackName === "string" ? this.store.find(i.StackName) : undefined;
    if (!s || s.status === "DELETE_COMPLETE") {
      return {}; // deleting a stack that does not exist succeeds, as in AWS
    }
    if (s.terminationProtection) throw validation(`Stack [${s.stackName}] cannot be deleted while TerminationProtection is enabled`);
    await this.engine.withLock(s.stackName, async () => {
      const current = this.store.find(s.stackId)!;
      if (current.status === "DELETE_COMPLETE") return;
      if (current.status === "REVIEW_IN_PROGRESS") {
        this.store.save({ ...current, status: "DELETE_COMPLETE", deletionTime: new Date().toISOString() });
        this.store.deleteChangeSetsOf(current.stackId);
        return;
      }
      await this.engine.deleteStack(current);
    });
    return {};
  }

  private describeStacks(i: any) {
    if (i.StackName !== undefined) return { Stacks: [shapes.describeStack(this.stackOrThrow(i.StackName, String(i.StackName).startsWith("arn:")))] };
    return { Stacks: this.store.list(false).map(shapes.describeStack) };
  }

  private describeStackResource(i: any) {
    const s = this.stackOrThrow(i.StackName, true);
    const r = s.resources[i.LogicalResourceId];
    if (!r) throw validation(`Resource ${i.LogicalResourceId} does not exist for stack ${s.stackName}`);
    return { StackResourceDetail: shapes.stackResourceDetail(s, r) };
  }

  private describeStackResources(i: any) {
    let stack: StackState | undefined;
    if (i.StackName) stack = this.stackOrThrow(i.StackName, true);
    else if (i.PhysicalResourceId) {
      stack = this.store.list(false).find((s) => Object.values(s.resources).some((r) => r.physicalId === i.PhysicalResourceId));
      if (!stack) throw validation(`Stack for ${i.PhysicalResourceId} does not exist`);
    } else throw validation("Either StackName or PhysicalResourceId must be specified.");
    const resources = Object.values(stack.resources).filter((r) =>
      (!i.LogicalResourceId || r.logicalId === i.LogicalResourceId) && (!i.PhysicalResourceId || r.physicalId === i.PhysicalResourceId));
    return { StackResources: resources.map((r) => shapes.stackResource(stack!, r)) };
  }

  private async getTemplate(i: any) {
    if (i.ChangeSetName) {
      const cs = this.changeSetOrThrow(i.ChangeSetName, i.StackName);
      return { TemplateBody: cs.templateBody, StagesAvailable: ["Original", "Processed"] };
    }
    const s = this.stackOrThrow(i.StackName, true);
    return { TemplateBody: s.templateBody, StagesAvailable: ["Original", "Processed"] };
  }

  private async templateSummaryOf(body: string) {
    const t = parseTemplate(body);
    let caps: string[] = [];
    try {
      this.checkCapabilities(t, []);
    } catch (e) {
      caps = [(e as Error).message.replace(/^.*\[(.*)\]$/, "$1")];
    }
    const iamTypes = [...new Set(Object.values(t.Resources).map((r) => r.Type).filter((x) => x.startsWith("AWS::IAM::")))];
    const reason = caps.length ? `The following resource(s) require capabilities: [${iamTypes.join(", ")}]` : undefined;
    return { template: t, caps, reason };
  }

  private async getTemplateSummary(i: any) {
    const body = i.StackName ? this.stackOrThrow(i.StackName, true).templateBody : await templateFrom(this.cloud, i);
    const { template, caps, reason } = await this.templateSummaryOf(body);
    return {
      Parameters: Object.entries(template.Parameters ?? {}).map(([k, p]) => ({
        ParameterKey: k, DefaultValue: p.Default === undefined ? undefined : String(p.Default), ParameterType: p.Type,
        NoEcho: bool(p.NoEcho), Description: p.Description, ParameterConstraints: { AllowedValues: p.AllowedValues?.map(String) ?? [] },
      })),
      Description: template.Description,
      Capabilities: caps,
      CapabilitiesReason: reason,
      ResourceTypes: [...new Set(Object.values(template.Resources).map((r) => r.Type))],
      Version: template.AWSTemplateFormatVersion ?? "2010-09-09",
      Metadata: template.Metadata ? JSON.stringify(template.Metadata) : undefined,
      DeclaredTransforms: [],
      ResourceIdentifierSummaries: [],
    };
  }

  private async validateTemplate(i: any) {
    const body = await templateFrom(this.cloud, i);
    const { template, caps, reason } = await this.templateSummaryOf(body);
    for (const [id, def] of Object.entries(template.Resources)) {
      if (!this.providerFor(def.Type) && !def.Type.startsWith("Custom::")) {
        throw validation(`Template format error: Unrecognized resource types: [${def.Type}] (${id})`);
      }
    }
    return {
      Parameters: Object.entries(template.Parameters ?? {}).map(([k, p]) => ({
        ParameterKey: k, DefaultValue: p.Default === undefined ? undefined : String(p.Default), NoEcho: bool(p.NoEcho), Description: p.Description,
      })),
      Description: template.Description,
      Capabilities: caps,
      CapabilitiesReason: reason,
      DeclaredTransforms: [],
    };
  }

  private changeSetOrThrow(nameOrId: string, stackName?: unknown): ChangeSetState {
    let cs: ChangeSetState | undefined;
    if (nameOrId.startsWith("arn:")) cs = this.store.changeSet(nameOrId);
    else {
      if (typeof stackName !== "string") throw validation("StackName must be specified if ChangeSetName is not specified as an ARN.");
      const stack = this.store.find(stackName);
      cs = stack ? this.store.changeSet(nameOrId, stack.stackId) : undefined;
    }
    if (!cs) throw new AwsError("ChangeSetNotFound", `ChangeSet [${nameOrId}] does not exist`, 404);
    return cs;
  }

  private async createChangeSet(i: any) {
    const name = this.checkStackName(i.StackName);
    const type: "CREATE" | "UPDATE" = i.ChangeSetType === "CREATE" ? "CREATE" : i.ChangeSetType === "IMPORT" ? (() => { throw validation("ChangeSetType IMPORT is not supported by the local cloud"); })() : "UPDATE";
    return this.engine.withLock(name, async () => {
      let stack = this.store.find(name);
      if (type === "CREATE" && stack && stack.status !== "REVIEW_IN_PROGRESS") throw new AwsError("AlreadyExistsException", `Stack [${name}] already exists and cannot be created again with the changeSet [${i.ChangeSetName}].`, 400);
      if (type === "UPDATE" && (!stack || stack.status === "REVIEW_IN_PROGRESS")) throw validation(`Stack [${name}] does not exist`);
      if (stack && this.store.changeSet(i.ChangeSetName, stack.stackId)) throw new AwsError("AlreadyExistsException", `ChangeSet [${i.ChangeSetName}] already exists`, 400);
      const body = bool(i.UsePreviousTemplate) && stack ? stack.templateBody : await templateFrom(this.cloud, i);
      const template = parseTemplate(body);
      this.checkCapabilities(template, i.Capabilities ?? stack?.capabilities);
      const stackId = stack?.stackId ?? this.engine.newStackId(name);
      const params = this.params(i.Parameters) ?? [];
      const existing = type === "UPDATE" ? stack : undefined;
      const prepared = await this.engine.prepare(name, stackId, body, params, existing);
      if (!stack) {
        stack = {
          stackId, stackName: name, status: "REVIEW_IN_PROGRESS", statusReason: "User Initiated", templateBody: body, parameters: [],
          resources: {}, outputs: [], imports: [], capabilities: i.Capabilities ?? [], tags: i.Tags ?? [], creationTime: new Date().toISOString(),
        };
        this.store.save(stack);
      }
      const changes = computeChanges(prepared, existing, this.providerFor, this.cloud.region, this.cloud.accountId);
      const empty = type === "UPDATE" && changes.length === 0 && this.unchanged(stack, prepared, i.Tags);
      const cs: ChangeSetState = {
        ChangeSetId: `arn:aws:cloudformation:${this.cloud.region}:${this.cloud.accountId}:changeSet/${i.ChangeSetName}/${randomUUID()}`,
        ChangeSetName: i.ChangeSetName, StackId: stackId, StackName: name, ChangeSetType: type,
        Status: empty ? "FAILED" : "CREATE_COMPLETE", StatusReason: empty ? NO_CHANGES : undefined,
        ExecutionStatus: empty ? "UNAVAILABLE" : "AVAILABLE", Description: i.Description, CreationTime: new Date().toISOString(),
        templateBody: body, parameters: params, Capabilities: i.Capabilities ?? [], Tags: i.Tags ?? [], Changes: changes,
      };
      this.store.saveChangeSet(cs);
      return { Id: cs.ChangeSetId, StackId: stackId };
    });
  }

  private async executeChangeSet(i: any) {
    const cs = this.changeSetOrThrow(i.ChangeSetName, i.StackName);
    return this.engine.withLock(cs.StackName, async () => {
      const current = this.store.changeSet(cs.ChangeSetId)!;
      if (current.ExecutionStatus !== "AVAILABLE") {
        throw new AwsError("InvalidChangeSetStatus", `ChangeSet [${cs.ChangeSetId}] cannot be executed in its current execution status of [${current.ExecutionStatus}]`, 400);
      }
      const stack = this.store.find(cs.StackId)!;
      const existing = cs.ChangeSetType === "UPDATE" ? stack : undefined;
      if (existing && !UPDATABLE.has(existing.status)) throw validation(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`);
      current.ExecutionStatus = "EXECUTE_IN_PROGRESS";
      this.store.saveChangeSet(current);
      try {
        const prepared = await this.engine.prepare(cs.StackName, cs.StackId, cs.templateBody, cs.parameters, existing);
        const final = await this.engine.deploy({ stackName: cs.StackName, templateBody: cs.templateBody, parameters: cs.parameters, capabilities: cs.Capabilities, tags: cs.Tags }, prepared, existing, cs.StackId);
        current.ExecutionStatus = final.status.includes("ROLLBACK") ? "EXECUTE_FAILED" : "EXECUTE_COMPLETE";
      } catch (e) {
        current.ExecutionStatus = "EXECUTE_FAILED";
        current.StatusReason = (e as Error).message;
        this.store.saveChangeSet(current);
        throw e;
      }
      // After an execution CloudFormation drops the stack's change sets.
      this.store.deleteChangeSetsOf(cs.StackId);
      return {};
    });
  }
}
