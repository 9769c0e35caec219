/**
 * The States Language's paths over the local cloud's JSONPath (json-path/): `$` and
 * `$$` roots (the context object's paths are given here with `$`), a value a path
 * selects — a path that selects nothing fails the state with States.Runtime — and
 * ResultPath's placing of a result into the state's input.
 */
import { evaluateJsonPath, JsonPathError, parseJsonPath, type JsonPathStep } from "../../../json-path/json-path.js";
import { runtimeError } from "./errors.js";

/** The steps of a path (checked by CreateStateMachine); throws States.Runtime on a path the language does not allow. */
export function parsePath(path: string): JsonPathStep[] {
  try {
    return parseJsonPath(path);
  } catch (err) {
    if (err instanceof JsonPathError) throw runtimeError(`Invalid path '${path}'`);
    throw err;
  }
}

/** Whether the path selects something in `root`, and what (an array for a path with `[*]` or `..`). */
export function lookup(root: unknown, path: string): { found: boolean; value: unknown } {
  parsePath(path);
  const value = evaluateJsonPath(root, path);
  return { found: value !== undefined, value };
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
