/**
 * State machine versions and aliases. A version is an immutable copy of a machine's
 * definition, role and configuration at one revision (`<machine ARN>:<n>`, numbered
 * from 1); an alias (`<machine ARN>:<name>`) routes executions to one version, or
 * splits them between two by weight. StartExecution accepts either ARN: the execution
 * runs the version's definition, and DescribeExecution names the version and alias.
 */
import { AwsError } from "../../server/aws-error.js";
import type { RunnableMachine } from "./executions.js";
import type { AliasRow, MachineRow, StepFunctionsStore, VersionRow } from "./store.js";

const seconds = (ms: number) => ms / 1000;

export interface RoutingEntry {
  stateMachineVersionArn: string;
  weight: number;
}

/** `arn:…:stateMachine:<name>:<qualifier>` → the machine's ARN and the qualifier (a version number or an alias name). */
export function splitQualified(arn: string): { machineArn: string; qualifier?: string } {
  const parts = arn.split(":");
  if (parts.length < 8 || parts[5] !== "stateMachine") return { machineArn: arn };
  return { machineArn: parts.slice(0, 7).join(":"), qualifier: parts.slice(7).join(":") };
}

export class VersionsAndAliases {
  constructor(private readonly store: StepFunctionsStore) {}

  /** Publishes the machine's current revision (the latest version again when that revision is already published). */
  publish(m: MachineRow, description?: string, revisionId?: string): { stateMachineVersionArn: string; creationDate: number } {
    if (revisionId !== undefined && revisionId !== m.revision) {
      throw new AwsError("ConflictException", `Failed to publish the State Machine version for revision ${revisionId}. The current State Machine revision is ${m.revision}.`);
    }
    const latest = this.store.versions(m.arn)[0];
    if (latest && latest.revision === m.revision) return { stateMachineVersionArn: latest.arn, creationDate: seconds(latest.created) };
    const version = this.store.lastVersionNumber(m.arn) + 1;
    const row: VersionRow = {
      arn: `${m.arn}:${version}`, machine_arn: m.arn, version, definition: m.definition, role_arn: m.role_arn, logging: m.logging, tracing: m.tracing,
      revision: m.revision, description: description ?? null, created: Date.now(),
    };
    this.store.insertVersion(row);
    return { stateMachineVersionArn: row.arn, creationDate: seconds(row.created) };
  }

  version(arn: string): VersionRow {
    const row = this.store.version(arn);
    if (!row) throw new AwsError("ResourceNotFound", `Resource not found: '${arn}'`);
    return row;
  }

  alias(arn: string): AliasRow {
    const row = this.store.alias(arn);
    if (!row) throw new AwsError("ResourceNotFound", `Resource not found: '${arn}'`);
    return row;
  }

  describeVersion(v: VersionRow, m: MachineRow) {
    return {
      stateMachineArn: v.arn, name: m.name, status: "ACTIVE", definition: v.definition, roleArn: v.role_arn, type: m.type, creationDate: seconds(v.created),
      loggingConfiguration: JSON.parse(v.logging), tracingConfiguration: JSON.parse(v.tracing), revisionId: v.revision, ...(v.description !== null ? { description: v.description } : {}),
    };
  }

  listVersions(machineArn: string) {
    return this.store.versions(machineArn).map((v) => ({ stateMachineVersionArn: v.arn, creationDate: seconds(v.created) }));
  }

  deleteVersion(arn: string): void {
    const { machineArn } = splitQualified(arn);
    const using = this.store.aliases(machineArn).filter((a) => (JSON.parse(a.routing) as RoutingEntry[]).some((r) => r.stateMachineVersionArn === arn));
    if (using.length) {
      throw new AwsError("ConflictException", `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${using.map((a) => a.name).join(", ")}]`);
    }
    this.store.deleteVersion(arn);
  }

  /** A routing configuration's checks, in Step Functions' order: shape, weights, versions of one machine that exist. */
  checkRouting(routing: RoutingEntry[], machineArn?: string): string {
    if (routing.length < 1 || routing.length > 2) throw new AwsError("ValidationException", "Routing configuration must contain one or two state machine versions");
    if (new Set(routing.map((r) => r.stateMachineVersionArn)).size !== routing.length) throw new AwsError("ValidationException", "Routing configuration must contain distinct state machine versions");
    if (routing.reduce((sum, r) => sum + r.weight, 0) !== 100) throw new AwsError("ValidationException", "Sum of routing configuration weights must be equal to 100");
    const machines = new Set(routing.map((r) => splitQualified(r.stateMachineVersionArn).machineArn));
    if (machines.size !== 1 || (machineArn && !machines.has(machineArn))) throw new AwsError("ValidationException", "Routing configuration must contain state machine version ARNs of the same state machine");
    for (const r of routing) {
      const { qualifier } = splitQualified(r.stateMachineVersionArn);
      if (!qualifier || !/^\d+$/.test(qualifier)) throw new AwsError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${r.stateMachineVersionArn}'`);
      this.version(r.stateMachineVersionArn);
    }
    return [...machines][0]!;
  }

  createAlias(i: { name: string; description?: string; routingConfiguration: RoutingEntry[] }) {
    const machineArn = this.checkRouting(i.routingConfiguration);
    if (!this.store.machine(machineArn)) throw new AwsError("ResourceNotFound", `Resource not found: '${machineArn}'`);
    const arn = `${machineArn}:${i.name}`;
    const routing = JSON.stringify(i.routingConfiguration.map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight })));
    const existing = this.store.alias(arn);
    if (existing) {
      if (existing.routing === routing && existing.description === (i.description ?? null)) return { stateMachineAliasArn: arn, creationDate: seconds(existing.created) };
      throw new AwsError("ConflictException", `Failed to create alias because an alias with the same name and a different routing configuration already exists.`);
    }
    const now = Date.now();
    this.store.insertAlias({ arn, machine_arn: machineArn, name: i.name, description: i.description ?? null, routing, created: now, updated: now });
    return { stateMachineAliasArn: arn, creationDate: seconds(now) };
  }

  describeAlias(arn: string) {
    const a = this.alias(arn);
    return {
      stateMachineAliasArn: a.arn, name: a.name, ...(a.description !== null ? { description: a.description } : {}), routingConfiguration: JSON.parse(a.routing),
      creationDate: seconds(a.created), updateDate: seconds(a.updated),
    };
  }

  updateAlias(i: { stateMachineAliasArn: string; description?: string; routingConfiguration?: RoutingEntry[] }) {
    if (i.description === undefined && i.routingConfiguration === undefined) {
      throw new AwsError("MissingRequiredParameter", "Either the description or the routing configuration must be specified");
    }
    const a = this.alias(i.stateMachineAliasArn);
    if (i.routingConfiguration) this.checkRouting(i.routingConfiguration, a.machine_arn);
    const updated = Date.now();
    this.store.updateAlias({
      arn: a.arn, updated, description: i.description ?? a.description,
      routing: i.routingConfiguration ? JSON.stringify(i.routingConfiguration.map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight }))) : a.routing,
    });
    return { updateDate: seconds(updated) };
  }

  listAliases(machineArn: string) {
    return this.store.aliases(machineArn).map((a) => ({ stateMachineAliasArn: a.arn, creationDate: seconds(a.created) }));
  }

  /**
   * What an execution of a version or alias ARN runs: the version's definition, role and
   * logging under the machine's name; an alias picks one of its versions by weight.
   */
  runnable(m: MachineRow, qualifier: string, pick = Math.random()): RunnableMachine {
    let versionArn = `${m.arn}:${qualifier}`;
    let aliasArn: string | null = null;
    if (!/^\d+$/.test(qualifier)) {
      const a = this.store.alias(versionArn);
      if (!a) throw new AwsError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${versionArn}'`);
      aliasArn = a.arn;
      const routing = JSON.parse(a.routing) as RoutingEntry[];
      let left = pick * 100;
      versionArn = (routing.find((r) => (left -= r.weight) < 0) ?? routing.at(-1)!).stateMachineVersionArn;
    }
    const v = this.store.version(versionArn);
    if (!v) throw new AwsError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${versionArn}'`);
    return { ...m, definition: v.definition, role_arn: v.role_arn, logging: v.logging, tracing: v.tracing, version_arn: v.arn, alias_arn: aliasArn };
  }
}
