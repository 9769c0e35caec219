/**
 * The dependency graph of a template's resources: edges from Ref, Fn::GetAtt,
 * Fn::Sub placeholders and DependsOn. Creation follows it forwards, deletion
 * backwards; a cycle is a template error naming the resources in it.
 */
import type { ResourceDefinition } from "./template.js";
import { collectReferences } from "./intrinsics.js";
import { validationError } from "./template.js";

/** logical id → the logical ids it depends on. */
export type DependencyGraph = Map<string, Set<string>>;

export function buildGraph(
  resources: Record<string, ResourceDefinition>,
  condition?: (name: string) => boolean,
  /** Resources that exist in the template but are excluded (false Condition): referencing them is an error. */
  excluded: Set<string> = new Set(),
): DependencyGraph {
  const graph: DependencyGraph = new Map();
  const isResource = (n: string) => n in resources || excluded.has(n);
  const unresolved = new Set<string>();
  for (const [id, def] of Object.entries(resources)) {
    const deps = collectReferences(def.Properties ?? {}, isResource, condition);
    const dependsOn = def.DependsOn === undefined ? [] : Array.isArray(def.DependsOn) ? def.DependsOn : [def.DependsOn];
    for (const d of dependsOn) deps.add(d);
    for (const d of deps) if (!(d in resources)) unresolved.add(d);
    deps.delete(id);
    graph.set(id, deps);
  }
  if (unresolved.size > 0) {
    throw validationError(
      `Template format error: Unresolved resource dependencies [${[...unresolved].sort().join(", ")}] in the Resources block of the template`,
    );
  }
  const cycle = findCycle(graph);
  if (cycle) throw validationError(`Circular dependency between resources: [${cycle.join(", ")}]`);
  return graph;
}

/** The resources on some cycle, or undefined. */
export function findCycle(graph: DependencyGraph): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      const s = state.get(d);
      if (s === 1) return stack.slice(stack.indexOf(d)).sort();
      if (s === undefined && graph.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of graph.keys()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return undefined;
}

/** A topological order: every resource after the ones it depends on. */
export function topologicalOrder(graph: DependencyGraph): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (n: string) => {
    if (done.has(n)) return;
    done.add(n);
    for (const d of graph.get(n) ?? []) if (graph.has(d)) visit(d);
    order.push(n);
  };
  for (const n of [...graph.keys()].sort()) visit(n);
  return order;
}

/**
 * Run `work` for every node once all its dependencies finished, independent nodes
 * concurrently. Stops scheduling at the first failure, waits for what is in flight,
 * then rethrows that failure.
 */
export async function runInOrder(graph: DependencyGraph, work: (id: string) => Promise<void>, reverse = false): Promise<void> {
  // For deletion the edges flip: a node waits for every node that depends on it.
  const waitsFor: DependencyGraph = new Map([...graph.keys()].map((k) => [k, new Set<string>()]));
  for (const [n, deps] of graph) {
    for (const d of deps) {
      if (!graph.has(d)) continue;
      if (reverse) waitsFor.get(d)!.add(n);
      else waitsFor.get(n)!.add(d);
    }
  }
  const finished = new Set<string>();
  const started = new Set<string>();
  let failure: unknown;
  let failed = false;
  await new Promise<void>((resolveAll) => {
    let inFlight = 0;
    const pump = () => {
      if (!failed) {
        for (const [n, deps] of waitsFor) {
          if (started.has(n) || ![...deps].every((d) => finished.has(d))) continue;
          started.add(n);
          inFlight++;
          work(n).then(
            () => { finished.add(n); inFlight--; pump(); },
            (e) => { if (!failed) { failed = true; failure = e; } inFlight--; pump(); },
          );
        }
      }
      if (inFlight === 0) resolveAll();
    };
    pump();
  });
  if (failed) throw failure;
}
