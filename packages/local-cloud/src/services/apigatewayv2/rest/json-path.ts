/**
 * The JSONPath of API Gateway's `$input.path(x)` / `$input.json(x)` and of
 * `method.request.body.x` / `integration.response.body.x` parameters: `$`, `.name`,
 * `['name']`, `[n]` (negative from the end), `[*]` / `.*` and `..name`. A definite
 * path (no wildcard, no `..`) gives its value or undefined; an indefinite one gives the
 * list of what it reaches, as API Gateway's JSONPath library does.
 */

type Step = { kind: "name"; name: string } | { kind: "index"; index: number } | { kind: "all" } | { kind: "deep"; name: string | null };

const compiled = new Map<string, Step[]>();

export class JsonPathError extends Error {}

function parsePath(path: string): Step[] {
  const known = compiled.get(path);
  if (known) return known;
  const text = path.trim();
  if (!text.startsWith("$")) throw new JsonPathError(`Invalid JSONPath expression: ${path}`);
  const steps: Step[] = [];
  let i = 1;
  const nameAt = (from: number) => /^[^.[\]\s]+/.exec(text.slice(from))?.[0];
  while (i < text.length) {
    if (text[i] === ".") {
      // `..name` / `..*` search every depth; `.name` / `.*` step one level down.
      const deep = text[i + 1] === ".";
      i += deep ? 2 : 1;
      if (text[i] === "*") (steps.push(deep ? { kind: "deep", name: null } : { kind: "all" }), i++);
      else {
        const name = nameAt(i);
        if (!name) throw new JsonPathError(`Invalid JSONPath expression: ${path}`);
        steps.push(deep ? { kind: "deep", name } : { kind: "name", name });
        i += name.length;
      }
    } else if (text[i] === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) throw new JsonPathError(`Invalid JSONPath expression: ${path}`);
      const inner = text.slice(i + 1, close).trim();
      const quoted = /^(['"])(.*)\1$/s.exec(inner);
      if (inner === "*") steps.push({ kind: "all" });
      else if (quoted) steps.push({ kind: "name", name: quoted[2]! });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else throw new JsonPathError(`Invalid JSONPath expression: ${path}`);
      i = close + 1;
    } else throw new JsonPathError(`Invalid JSONPath expression: ${path}`);
  }
  if (compiled.size > 500) compiled.clear();
  compiled.set(path, steps);
  return steps;
}

const childrenOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : []);

function descendants(v: unknown, out: unknown[] = []): unknown[] {
  for (const child of childrenOf(v)) (out.push(child), descendants(child, out));
  return out;
}

/** What `path` reaches in `document` (see the module comment for definite vs indefinite paths). */
export function evaluateJsonPath(document: unknown, path: string): unknown {
  const steps = parsePath(path);
  let nodes: unknown[] = [document];
  let definite = true;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (step.kind === "name") {
        if (node && typeof node === "object" && !Array.isArray(node) && Object.hasOwn(node, step.name)) next.push((node as Record<string, unknown>)[step.name]);
      } else if (step.kind === "index") {
        if (Array.isArray(node)) {
          const at = step.index < 0 ? node.length + step.index : step.index;
          if (at >= 0 && at < node.length) next.push(node[at]);
        }
      } else if (step.kind === "all") {
        definite = false;
        next.push(...childrenOf(node));
      } else {
        definite = false;
        const all = [node, ...descendants(node)];
        if (step.name === null) next.push(...all.slice(1));
        else for (const n of all) if (n && typeof n === "object" && !Array.isArray(n) && Object.hasOwn(n, step.name)) next.push((n as Record<string, unknown>)[step.name]);
      }
    }
    nodes = next;
  }
  return definite ? nodes[0] : nodes;
}
