/**
 * The JSONPath the States Language uses: `$` and `$$` roots, `.name`, `['name']`,
 * `[index]`, `[*]` and `..name`. A reference path (ResultPath, `*Path` fields) names one
 * node; a path in a payload template may select several (then the answer is an array).
 */
import { runtimeError } from "./errors.js";

type Step = { kind: "name"; name: string } | { kind: "index"; index: number } | { kind: "wildcard" } | { kind: "descend"; name: string };

const cache = new Map<string, Step[]>();

/** The steps of a path after its root (`$` or `$$`); throws on a path the language does not allow. */
export function parsePath(path: string): Step[] {
  const hit = cache.get(path);
  if (hit) return hit;
  if (!path.startsWith("$")) throw runtimeError(`Invalid path '${path}': paths start with '$'`);
  let i = path.startsWith("$$") ? 2 : 1;
  const steps: Step[] = [];
  const bad = () => runtimeError(`Invalid path '${path}'`);
  while (i < path.length) {
    const c = path[i];
    if (c === "." && path[i + 1] === ".") {
      const m = /^[^.[\]]+/.exec(path.slice(i + 2));
      if (!m) throw bad();
      steps.push({ kind: "descend", name: m[0] });
      i += 2 + m[0].length;
    } else if (c === ".") {
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) throw bad();
      steps.push(m[0] === "*" ? { kind: "wildcard" } : { kind: "name", name: m[0] });
      i += 1 + m[0].length;
    } else if (c === "[") {
      const rest = path.slice(i);
      const quoted = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest) ?? /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest);
      const index = /^\[\s*(-?\d+)\s*\]/.exec(rest);
      const star = /^\[\s*\*\s*\]/.exec(rest);
      if (quoted) steps.push({ kind: "name", name: quoted[1]!.replace(/\\(.)/g, "$1") }), (i += quoted[0].length);
      else if (index) steps.push({ kind: "index", index: Number(index[1]) }), (i += index[0].length);
      else if (star) steps.push({ kind: "wildcard" }), (i += star[0].length);
      else throw bad();
    } else throw bad();
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(path, steps);
  return steps;
}

/** Whether the path can select more than one node (then its value is always an array). */
export function isIndefinite(path: string): boolean {
  return parsePath(path).some((s) => s.kind === "wildcard" || s.kind === "descend");
}

const MISSING = Symbol("missing");

function descend(value: unknown, name: string, out: unknown[]): void {
  if (Array.isArray(value)) for (const v of value) descend(v, name, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === name) out.push(v);
      descend(v, name, out);
    }
  }
}

/** Every node the path selects in `root` (in document order). */
export function selectAll(root: unknown, path: string): unknown[] {
  let nodes: unknown[] = [root];
  for (const step of parsePath(path)) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (step.kind === "name") {
        if (node && typeof node === "object" && !Array.isArray(node) && Object.hasOwn(node, step.name)) next.push((node as Record<string, unknown>)[step.name]);
      } else if (step.kind === "index") {
        if (Array.isArray(node)) {
          const at = step.index < 0 ? node.length + step.index : step.index;
          if (at >= 0 && at < node.length) next.push(node[at]);
        }
      } else if (step.kind === "wildcard") {
        if (Array.isArray(node)) next.push(...node);
        else if (node && typeof node === "object") next.push(...Object.values(node));
      } else descend(node, step.name, next);
    }
    nodes = next;
  }
  return nodes;
}

/** The value a path selects, or MISSING-as-undefined: `found` says whether it selected anything. */
export function lookup(root: unknown, path: string): { found: boolean; value: unknown } {
  if (isIndefinite(path)) return { found: true, value: selectAll(root, path) };
  const nodes = selectAll(root, path);
  return nodes.length ? { found: true, value: nodes[0] } : { found: false, value: MISSING };
}

/** The value a path selects; a path that selects nothing is a States.Runtime failure, as on AWS. */
export function read(root: unknown, path: string): unknown {
  const { found, value } = lookup(root, path);
  if (!found) throw runtimeError(`The JSONPath '${path}' could not be found in the input '${JSON.stringify(root)}'`);
  return value;
}

/**
 * `root` with `value` placed at a reference path (ResultPath), creating the objects on
 * the way; `root` itself is not changed. `$` replaces the whole.
 */
export function place(root: unknown, path: string, value: unknown): unknown {
  const steps = parsePath(path);
  if (!steps.length) return value;
  const copy = (v: unknown) => (Array.isArray(v) ? [...v] : v && typeof v === "object" ? { ...(v as object) } : v);
  const top = copy(root);
  if (!top || typeof top !== "object") throw runtimeError(`Unable to apply ResultPath '${path}' to input '${JSON.stringify(root)}': the input is not an object`);
  let node: any = top;
  steps.forEach((step, n) => {
    const last = n === steps.length - 1;
    if (step.kind === "name") {
      if (Array.isArray(node)) throw runtimeError(`Unable to apply ResultPath '${path}': '${step.name}' is a field of an array`);
      if (last) node[step.name] = value;
      else {
        const child = node[step.name];
        node[step.name] = child && typeof child === "object" ? copy(child) : {};
        node = node[step.name];
      }
    } else if (step.kind === "index" && Array.isArray(node)) {
      const at = step.index < 0 ? node.length + step.index : step.index;
      if (at < 0 || at >= node.length) throw runtimeError(`Unable to apply ResultPath '${path}': index ${step.index} is out of range`);
      if (last) node[at] = value;
      else node = node[at] = copy(node[at]);
    } else throw runtimeError(`Invalid ResultPath '${path}': a reference path names one node`);
  });
  return top;
}
