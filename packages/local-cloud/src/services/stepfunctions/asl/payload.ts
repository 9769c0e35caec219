/**
 * Input and output processing (InputPath → Parameters → task → ResultSelector →
 * ResultPath → OutputPath) and payload templates: a field whose name ends in `.$` takes
 * the value of a path (`$.x` from the input, `$$.x` from the context object) or of an
 * intrinsic function; every other field is copied, nested objects and arrays included.
 */
import { runtimeError } from "./errors.js";
import { evaluateIntrinsic, isIntrinsic } from "./intrinsics.js";
import { place, read } from "./json-path.js";

export function applyTemplate(template: unknown, input: unknown, context: unknown): unknown {
  if (Array.isArray(template)) return template.map((v) => applyTemplate(v, input, context));
  if (!template || typeof template !== "object") return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith(".$")) {
      const name = key.slice(0, -2);
      if (typeof value !== "string") throw runtimeError(`The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`);
      out[name] = resolveDynamic(value, input, context);
    } else out[key] = applyTemplate(value, input, context);
  }
  return out;
}

/** A `.$` field's value: a context path, an input path or an intrinsic call. */
export function resolveDynamic(expr: string, input: unknown, context: unknown): unknown {
  if (expr.startsWith("$$")) return read(context, expr.slice(1));
  if (expr.startsWith("$")) return read(input, expr);
  if (isIntrinsic(expr)) return evaluateIntrinsic(expr, input, context);
  throw runtimeError(`The value '${expr}' must be a valid JSONPath or a valid intrinsic function call`);
}

/** A path field that may be null: null means `{}` (InputPath, OutputPath); absent means `$`. */
export function selectPath(value: unknown, path: string | null | undefined): unknown {
  if (path === null) return {};
  if (path === undefined || path === "$") return value;
  return read(value, path);
}

/** ResultPath: null keeps the raw input, absent or `$` is the result, else the result placed into the raw input. */
export function applyResultPath(rawInput: unknown, result: unknown, path: string | null | undefined): unknown {
  if (path === null) return rawInput;
  if (path === undefined || path === "$") return result;
  return place(rawInput, path, result);
}
