/**
 * What a target receives: the whole event by default, or the target's Input (constant
 * JSON), InputPath (a JSONPath into the event) or InputTransformer (paths into
 * variables, substituted into a template), as EventBridge documents them.
 */
import { validation } from "./errors.js";
import type { StoredTarget } from "./store.js";

/** `$`, `$.a.b`, `$.a[0]`, `$['a b']`; undefined when the path leads nowhere. */
export function jsonPath(value: unknown, path: string): unknown {
  const steps = parsePath(path);
  let cur: unknown = value;
  for (const step of steps) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as any)[step];
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function parsePath(path: string): Array<string | number> {
  if (!path.startsWith("$")) throw validation(`Invalid JSONPath: ${path}`);
  const steps: Array<string | number> = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) throw validation(`Invalid JSONPath: ${path}`);
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (m[3] ?? m[4])!));
  }
  return steps;
}

export interface RuleInfo {
  ruleArn: string;
  ruleName: string;
}

/** The payload (text) a target receives for an event. */
export function targetInput(target: StoredTarget, event: Record<string, unknown>, rule: RuleInfo): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) return JSON.stringify(jsonPath(event, target.InputPath) ?? null);
  if (target.InputTransformer) return transform(target.InputTransformer, event, rule);
  return JSON.stringify(event);
}

function transform(t: NonNullable<StoredTarget["InputTransformer"]>, event: Record<string, unknown>, rule: RuleInfo): string {
  const vars: Record<string, unknown> = {
    "aws.events.rule-arn": rule.ruleArn,
    "aws.events.rule-name": rule.ruleName,
    "aws.events.event.ingestion-time": event.time,
    "aws.events.event": event,
    "aws.events.event.json": event,
  };
  for (const [name, path] of Object.entries(t.InputPathsMap ?? {})) vars[name] = jsonPath(event, path);
  const template = t.InputTemplate;
  const jsonTemplate = /^\s*[{[]/.test(template);
  // A placeholder inside a JSON string gets the raw text; elsewhere in a JSON template, JSON.
  return template.replace(/<([A-Za-z0-9_.\-]+)>/g, (whole, name: string, offset: number) => {
    if (!(name in vars)) return whole;
    const value = vars[name];
    const quoted = jsonTemplate && insideString(template, offset);
    if (!jsonTemplate || quoted) {
      const text = value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
      return quoted ? JSON.stringify(text).slice(1, -1) : text;
    }
    return value === undefined ? "null" : JSON.stringify(value);
  });
}

/** Whether position `offset` of a JSON text lies inside a string literal. */
function insideString(text: string, offset: number): boolean {
  let inside = false;
  for (let i = 0; i < offset; i++) {
    if (text[i] === "\\" && inside) i++;
    else if (text[i] === '"') inside = !inside;
  }
  return inside;
}
