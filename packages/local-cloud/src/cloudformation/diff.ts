/**
 * What a deploy would do, for change sets: Add / Modify (with Replacement True, False
 * or Conditional) / Remove per resource. Properties are resolved against the deployed
 * state; a value that depends on something the deploy will change is unknown until
 * then, which makes the dependent a Conditional modification, as CloudFormation says.
 */
import { resolve } from "./intrinsics.js";
import { createScope } from "./scope.js";
import { changedKeys } from "./equality.js";
import { topologicalOrder } from "./graph.js";
import type { PreparedDeploy, ProviderLookup } from "./engine.js";
import type { ResourceState, StackState } from "./store.js";

export interface ResourceChange {
  Action: "Add" | "Modify" | "Remove";
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Replacement?: "True" | "False" | "Conditional";
  Scope: string[];
  Details: Array<{ Target: { Attribute: string; Name?: string; RequiresRecreation: string }; Evaluation: string; ChangeSource: string }>;
}

export function computeChanges(prepared: PreparedDeploy, existing: StackState | undefined, providerFor: ProviderLookup, region: string, accountId: string): ResourceChange[] {
  const old = existing?.resources ?? {};
  const changes: ResourceChange[] = [];
  /** Resources whose physical id or attributes may change in this deploy. */
  const volatile = new Set<string>();
  const known: Record<string, ResourceState> = {};
  for (const [id, r] of Object.entries(old)) if (!volatile.has(id)) known[id] = r;
  const scope = createScope({
    template: prepared.template, stackName: existing?.stackName ?? "", stackId: existing?.stackId ?? "", region, accountId,
    parameters: prepared.parameters.values, resources: () => known, findExport: () => "{{export}}",
  });
  Object.assign(scope.conditions, prepared.conditions);
  for (const id of topologicalOrder(prepared.graph)) {
    const def = prepared.desired[id];
    const before = old[id];
    if (!before) {
      volatile.add(id);
      delete known[id];
      changes.push({ Action: "Add", LogicalResourceId: id, ResourceType: def.Type, Scope: [], Details: [] });
      continue;
    }
    if (before.type !== def.Type) {
      volatile.add(id);
      delete known[id];
      changes.push({ Action: "Modify", LogicalResourceId: id, PhysicalResourceId: before.physicalId, ResourceType: def.Type, Replacement: "True", Scope: ["Properties"], Details: [] });
      continue;
    }
    const dependsOnVolatile = [...prepared.graph.get(id)!].some((d) => volatile.has(d));
    let props: Record<string, unknown> | undefined;
    try {
      props = resolve(def.Properties ?? {}, scope) as Record<string, unknown>;
    } catch {
      props = undefined; // references something not deployed yet
    }
    const replacementProps = providerFor(def.Type)?.replacementProps ?? [];
    const canUpdate = !!providerFor(def.Type)?.update;
    if (props) {
      const keys = changedKeys(props, before.properties);
      if (keys.length === 0 && !dependsOnVolatile) continue;
      if (keys.length > 0) {
        const replace = !canUpdate || keys.some((k) => replacementProps.includes(k));
        // An in-place update keeps the physical id (and, as a rule, the attributes dependents read).
        if (replace) {
          volatile.add(id);
          delete known[id];
        }
        changes.push({
          Action: "Modify", LogicalResourceId: id, PhysicalResourceId: before.physicalId, ResourceType: def.Type,
          Replacement: replace ? "True" : "False", Scope: ["Properties"],
          Details: keys.map((k) => ({
            Target: { Attribute: "Properties", Name: k, RequiresRecreation: !canUpdate || replacementProps.includes(k) ? "Always" : "Never" },
            Evaluation: "Static", ChangeSource: "DirectModification",
          })),
        });
        continue;
      }
    }
    // Depends on a resource that changes: its new values are only known at deploy time.
    volatile.add(id);
    delete known[id];
    changes.push({
      Action: "Modify", LogicalResourceId: id, PhysicalResourceId: before.physicalId, ResourceType: def.Type,
      Replacement: canUpdate ? "Conditional" : "True", Scope: ["Properties"],
      Details: [{ Target: { Attribute: "Properties", RequiresRecreation: "Conditionally" }, Evaluation: "Dynamic", ChangeSource: "ResourceReference" }],
    });
  }
  for (const [id, r] of Object.entries(old)) {
    if (!prepared.desired[id]) changes.push({ Action: "Remove", LogicalResourceId: id, PhysicalResourceId: r.physicalId, ResourceType: r.type, Scope: [], Details: [] });
  }
  return changes;
}
