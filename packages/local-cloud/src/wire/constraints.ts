/**
 * The constraint violations in a request, worded as AWS's request framework words them:
 *
 *   Value 'a;' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3
 *
 * Paths name members in lower camel case, list elements as `<list>.<n>.member` (from 1),
 * map values as `<map>.<key>.member`. A map's key and value constraints are reported on
 * the map itself ("Map keys must satisfy constraint: […]"). This walk reads the shapes
 * as it goes: it runs only once the compiled check (validate.ts) has found a request
 * invalid, to say why.
 */
import { memberTraits } from "./model.js";
import { lowerFirst, wholeValuePattern, type Shapes } from "./shapes.js";

/** AWS reports at most this many violations in one message. */
export const MAX_VIOLATIONS = 10;

/** A value as the message quotes it: `'abc'`, `'[a, b]'`, or `null` (unquoted). */
export function renderValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  return `'${javaText(value)}'`;
}

function javaText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(javaText).join(", ")}]`;
  if (value instanceof Uint8Array) return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** One broken constraint: where, on what value, which constraint, and AWS's sentence for it. */
export interface Violation {
  /** `transactItems.1.member.get`: the path as messages write it. */
  path: string;
  /** The member's name as the model writes it (`QueueUrl`), for services that name it themselves. */
  member: string;
  value: unknown;
  constraint: string;
  text: string;
}

function violation(value: unknown, path: string, member: string, constraint: string): Violation {
  return { path, member, value, constraint, text: `Value ${renderValue(value)} at '${path}' failed to satisfy constraint: ${constraint}` };
}

/**
 * The message of one violation a service finds itself, in the framework's words (a check
 * its model cannot state, such as a name part longer than a whole-ARN limit allows).
 */
export function violationMessage(value: unknown, path: string, constraint: string): string {
  return validationMessage([violation(value, path, path, constraint)]);
}

/** The message for a query, path or header parameter whose text is not of its member's type. */
export function malformedMessage(text: string, path: string, type: string): string {
  const what = type === "boolean" ? "a boolean" : type === "integer" || type === "long" ? "an integer" : "a number";
  return validationMessage([violation(text, path, path, `Member must be ${what}`)]);
}

/** "1 validation error detected: …" / "3 validation errors detected: …; …; …". */
export function validationMessage(violations: readonly Violation[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${violations.map((v) => v.text).join("; ")}`;
}

function lengthOf(value: unknown): number | undefined {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (value instanceof Uint8Array) return value.length;
  if (value && typeof value === "object") return Object.keys(value).length;
  return undefined;
}

/** The constraints a scalar or collection value breaks, as "Member must …" texts (in AWS's order). */
export function brokenConstraints(shapes: Shapes, shapeName: string, value: unknown): string[] {
  const name = shapes.rules.validateAs?.[shapeName]?.(value) ?? shapeName;
  const shape = shapes.get(name);
  const out: string[] = [];
  if (shape.type === "string" && typeof value === "string") {
    if (shape.pattern !== undefined) {
      const re = wholeValuePattern(shape.pattern);
      if (re && !re.test(value)) out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
    }
  }
  if (shape.type === "string" || shape.type === "list" || shape.type === "map" || shape.type === "blob") {
    const length = lengthOf(value);
    if (length !== undefined) {
      if (shape.min !== undefined && length < shape.min) out.push(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && length > shape.max) out.push(`Member must have length less than or equal to ${shape.max}`);
    }
  }
  if (shape.type === "string" && shape.enum && shapes.rules.enforceEnums !== false && typeof value === "string" && !shape.enum.includes(value)) {
    out.push(`Member must satisfy enum value set: [${shapes.enumValues(name)!.join(", ")}]`);
  }
  if ((shape.type === "integer" || shape.type === "long" || shape.type === "double" || shape.type === "float") && typeof value === "number") {
    if (shape.min !== undefined && value < shape.min) out.push(`Member must have value greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value > shape.max) out.push(`Member must have value less than or equal to ${shape.max}`);
  }
  return out;
}

/** Every constraint a shape's values are held to, as "Member must …" texts (for map key/value reports). */
function allConstraints(shapes: Shapes, shapeName: string): string[] {
  const shape = shapes.get(shapeName);
  const out: string[] = [];
  if ("max" in shape && shape.max !== undefined) out.push(`Member must have length less than or equal to ${shape.max}`);
  if ("min" in shape && shape.min !== undefined) out.push(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.type === "string" && shape.pattern !== undefined) out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  return out;
}

/** Collects the violations under `value` (of shape `shapeName`, member `member`) at `path` into `out`. */
export function explain(shapes: Shapes, shapeName: string, value: unknown, path: string, out: Violation[], member = ""): void {
  if (out.length >= MAX_VIOLATIONS || value === undefined || value === null) return;
  for (const c of brokenConstraints(shapes, shapeName, value)) {
    if (out.length >= MAX_VIOLATIONS) return;
    out.push(violation(value, path, member, c));
  }
  const shape = shapes.get(shapeName);
  const at = (name: string) => (path ? `${path}.${name}` : name);
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) return;
      const obj = value as Record<string, unknown>;
      const required = shape.required ?? [];
      for (const [member, def] of Object.entries(shape.members)) {
        if (out.length >= MAX_VIOLATIONS) return;
        const v = obj[member];
        const where = at(lowerFirst(member));
        if ((v === undefined || v === null) && required.includes(member)) out.push(violation(null, where, member, "Member must not be null"));
        else explain(shapes, memberTraits(def).shape, v, where, out, member);
      }
      return;
    }
    case "list": {
      if (!Array.isArray(value)) return;
      const element = memberTraits(shape.member).shape;
      value.forEach((v, i) => nullOr(shapes, element, v, `${at(String(i + 1))}.member`, out, member));
      return;
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) return;
      const obj = value as Record<string, unknown>;
      const keyShape = memberTraits(shape.key).shape;
      const valueShape = memberTraits(shape.value).shape;
      const valueIsCollection = ["list", "map"].includes(shapes.get(valueShape).type);
      const badKey = Object.keys(obj).find((k) => brokenConstraints(shapes, keyShape, k).length > 0);
      if (badKey !== undefined && out.length < MAX_VIOLATIONS) {
        const effective = shapes.rules.validateAs?.[keyShape]?.(badKey) ?? keyShape;
        out.push(violation(obj, path, member, `Map keys must satisfy constraint: [${allConstraints(shapes, effective).join(", ")}]`));
      }
      // A collection's own length limits, as a map value, are reported on the map.
      if (valueIsCollection && Object.values(obj).some((v) => brokenConstraints(shapes, valueShape, v).length > 0) && out.length < MAX_VIOLATIONS) {
        out.push(violation(obj, path, member, `Map value must satisfy constraint: [${allConstraints(shapes, valueShape).join(", ")}]`));
      }
      for (const [k, v] of Object.entries(obj)) {
        const where = `${at(k)}.member`;
        if (v === null || v === undefined) nullOr(shapes, valueShape, v, where, out, member);
        else if (valueIsCollection) explainChildren(shapes, valueShape, v, where, out, member);
        else explain(shapes, valueShape, v, where, out, member);
      }
      return;
    }
  }
}

/** A collection element: null is a member that must not be null. */
function nullOr(shapes: Shapes, shapeName: string, value: unknown, path: string, out: Violation[], member: string): void {
  if (value !== null && value !== undefined) explain(shapes, shapeName, value, path, out, member);
  else if (out.length < MAX_VIOLATIONS) out.push(violation(null, path, member, "Member must not be null"));
}

/** The violations inside a collection, without the collection's own. */
function explainChildren(shapes: Shapes, shapeName: string, value: unknown, path: string, out: Violation[], member: string): void {
  const shape = shapes.get(shapeName);
  if (shape.type === "list" && Array.isArray(value)) {
    const element = memberTraits(shape.member).shape;
    value.forEach((v, i) => nullOr(shapes, element, v, `${path}.${i + 1}.member`, out, member));
  } else if (shape.type === "map" && value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) nullOr(shapes, memberTraits(shape.value).shape, v, `${path}.${k}.member`, out, member);
  }
}
