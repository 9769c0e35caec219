/** Stored stack state → the CloudFormation API's output shapes (AWS SDK v3 field names). */
import type { StackState, ResourceState, StackEvent, ChangeSetState } from "../../cloudformation/store.js";

const date = (s?: string) => (s ? new Date(s) : undefined);

export function stackParameters(stack: Pick<StackState, "parameters">) {
  return stack.parameters.map((p) => ({
    ParameterKey: p.ParameterKey,
    ParameterValue: p.NoEcho ? "****" : p.ParameterValue,
    ...(p.ResolvedValue !== undefined && !p.NoEcho ? { ResolvedValue: p.ResolvedValue } : {}),
  }));
}

export function describeStack(s: StackState) {
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    Description: s.description,
    Parameters: stackParameters(s),
    CreationTime: date(s.creationTime),
    DeletionTime: date(s.deletionTime),
    LastUpdatedTime: date(s.lastUpdatedTime),
    RollbackConfiguration: {},
    StackStatus: s.status,
    StackStatusReason: s.statusReason,
    DisableRollback: s.disableRollback ?? false,
    NotificationARNs: [],
    Capabilities: s.capabilities,
    Outputs: s.outputs.map((o) => ({ OutputKey: o.OutputKey, OutputValue: o.OutputValue, Description: o.Description, ExportName: o.ExportName })),
    Tags: s.tags,
    EnableTerminationProtection: s.terminationProtection ?? false,
    DriftInformation: { StackDriftStatus: "NOT_CHECKED" },
  };
}

export function stackSummary(s: StackState) {
  return {
    StackId: s.stackId, StackName: s.stackName, TemplateDescription: s.description, CreationTime: date(s.creationTime),
    LastUpdatedTime: date(s.lastUpdatedTime), DeletionTime: date(s.deletionTime), StackStatus: s.status,
    StackStatusReason: s.statusReason, DriftInformation: { StackDriftStatus: "NOT_CHECKED" },
  };
}

export function stackResource(s: StackState, r: ResourceState) {
  return {
    StackName: s.stackName, StackId: s.stackId, LogicalResourceId: r.logicalId, PhysicalResourceId: r.physicalId,
    ResourceType: r.type, Timestamp: date(r.timestamp), ResourceStatus: r.status, ResourceStatusReason: r.statusReason,
    DriftInformation: { StackResourceDriftStatus: "NOT_CHECKED" },
  };
}

export function stackResourceDetail(s: StackState, r: ResourceState) {
  const { Timestamp, ...rest } = stackResource(s, r);
  return { ...rest, LastUpdatedTimestamp: Timestamp, Metadata: JSON.stringify(r.metadata ?? {}) };
}

export function stackResourceSummary(r: ResourceState) {
  return {
    LogicalResourceId: r.logicalId, PhysicalResourceId: r.physicalId, ResourceType: r.type, LastUpdatedTimestamp: date(r.timestamp),
    ResourceStatus: r.status, ResourceStatusReason: r.statusReason, DriftInformation: { StackResourceDriftStatus: "NOT_CHECKED" },
  };
}

export function stackEvent(e: StackEvent) {
  return { ...e, Timestamp: date(e.Timestamp) };
}

export function changeSetSummary(cs: ChangeSetState) {
  return {
    StackId: cs.StackId, StackName: cs.StackName, ChangeSetId: cs.ChangeSetId, ChangeSetName: cs.ChangeSetName,
    ExecutionStatus: cs.ExecutionStatus, Status: cs.Status, StatusReason: cs.StatusReason, CreationTime: date(cs.CreationTime),
    Description: cs.Description, IncludeNestedStacks: false,
  };
}

export function describeChangeSet(cs: ChangeSetState) {
  return {
    ...changeSetSummary(cs),
    Parameters: cs.parameters.map((p) => ({ ParameterKey: p.ParameterKey, ParameterValue: p.ParameterValue, UsePreviousValue: p.UsePreviousValue })),
    NotificationARNs: [], RollbackConfiguration: {}, Capabilities: cs.Capabilities, Tags: cs.Tags,
    Changes: cs.Changes.map((c) => ({ Type: "Resource", ResourceChange: c })),
  };
}
