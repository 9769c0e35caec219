/**
 * The Velocity (VTL) engine every service with mapping templates renders them with
 * (AppSync resolvers, API Gateway REST integrations): `velocityjs`, a compile cache,
 * `#return(value)` (stops the template with a value), `$util.error(...)` (stops it with an
 * error, thrown with `VtlError`), and the part of `$util` both services share
 * (`coreUtil`: JSON, escaping, URL and base64 coding). Each service puts its own
 * references on top — `$ctx`/`$util.dynamodb` for AppSync, `$input`/`$context` for API
 * Gateway — as plain objects in the `references` it passes to `renderVtl`; a new helper
 * for one service goes into that service's `$util`, not here.
 */
import { Compile, parse } from "velocityjs";

/** What `$util.error` (or any helper that fails a template on purpose) throws. */
export class VtlError {
  constructor(readonly message: string, readonly type?: string, readonly data?: unknown, readonly info?: unknown) {}
}

/** `#return(value)` stops the template: a velocityjs macro throwing this. */
class VtlReturn {
  constructor(readonly value: unknown) {}
}

const MACROS = {
  return: (value?: unknown) => {
    throw new VtlReturn(value === undefined ? null : value);
  },
};

export interface VtlResult {
  output: string;
  /** Set when the template failed: by `VtlError`, or by a broken template (type "MappingTemplate"). */
  error?: { message: string; type?: string; data?: unknown; info?: unknown };
  /** Set by `#return(value)`: the template's result, and what comes after it is skipped. */
  returned?: { value: unknown };
}

/**
 * Java methods templates call on strings, lists and maps (the values are JavaScript
 * ones here): `replaceAll`/`replaceFirst`/`matches`/`split` take Java regular
 * expressions, `length()`, `equals`, `equalsIgnoreCase`, `contains`, `isEmpty`,
 * `containsKey`, `values`. velocityjs already gives maps and lists `get`, `put`, `size`,
 * `keySet`, `entrySet`, `add`, `remove`.
 */
type MethodCall = { property: string; context: unknown; params: unknown[] };
/** A Java regular expression as a RegExp: leading inline flags (`(?s)`, `(?i)`, `(?m)`) become its flags. */
function javaRegExp(pattern: unknown, flags = ""): RegExp {
  let source = String(pattern);
  for (let m = /^\(\?([imsu]+)\)/.exec(source); m; m = /^\(\?([imsu]+)\)/.exec(source)) {
    for (const f of m[1]!) if (!flags.includes(f)) flags += f;
    source = source.slice(m[0].length);
  }
  return new RegExp(source, flags);
}
const javaReplacement = (replacement: unknown) => String(replacement).replace(/\\\$/g, "$$$$");
const onString = (name: string, resolve: (s: string, params: unknown[]) => unknown) => ({
  uid: `java string ${name}`,
  match: ({ property, context }: MethodCall) => property === name && typeof context === "string",
  resolve: ({ context, params }: MethodCall) => resolve(context as string, params),
});
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const JAVA_METHODS = [
  onString("replaceAll", (s, [re, to]) => s.replace(javaRegExp(re, "g"), javaReplacement(to))),
  onString("replaceFirst", (s, [re, to]) => s.replace(javaRegExp(re), javaReplacement(to))),
  onString("matches", (s, [re]) => {
    const whole = javaRegExp(re);
    return new RegExp(`^(?:${whole.source})$`, whole.flags).test(s);
  }),
  onString("split", (s, [re]) => s.split(javaRegExp(re))),
  onString("length", (s) => s.length),
  onString("equals", (s, [other]) => s === other),
  onString("equalsIgnoreCase", (s, [other]) => typeof other === "string" && s.toLowerCase() === other.toLowerCase()),
  onString("contains", (s, [part]) => s.includes(String(part))),
  onString("isEmpty", (s) => s.length === 0),
  { uid: "java list contains", match: ({ property, context }: MethodCall) => property === "contains" && Array.isArray(context), resolve: ({ context, params }: MethodCall) => (context as unknown[]).includes(params[0]) },
  {
    uid: "java collection isEmpty", match: ({ property, context }: MethodCall) => property === "isEmpty" && (Array.isArray(context) || isMap(context)),
    resolve: ({ context }: MethodCall) => (Array.isArray(context) ? context.length : Object.keys(context as object).length) === 0,
  },
  { uid: "java map containsKey", match: ({ property, context }: MethodCall) => property === "containsKey" && isMap(context), resolve: ({ context, params }: MethodCall) => Object.hasOwn(context as object, String(params[0])) },
  { uid: "java map values", match: ({ property, context }: MethodCall) => property === "values" && isMap(context) && typeof context.values !== "function", resolve: ({ context }: MethodCall) => Object.values(context as object) },
];

const compiled = new Map<string, Compile>();
const MAX_COMPILED = 1000;

function compileTemplate(template: string): Compile {
  let compile = compiled.get(template);
  if (!compile) {
    // `#return` alone is `#return()` (velocityjs reads only the call form as a macro).
    compile = new Compile(parse(template.replace(/#return(?![\w(])/g, "#return()")), { escape: false, customMethodHandlers: JAVA_METHODS } as any);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(template, compile);
  }
  return compile;
}

/** Renders `template` with `references` as its top-level `$names`. Never throws. */
export function renderVtl(template: string, references: Record<string, unknown>): VtlResult {
  try {
    return { output: compileTemplate(template).render(references, MACROS) };
  } catch (err) {
    if (err instanceof VtlReturn) return { output: "", returned: { value: err.value } };
    if (err instanceof VtlError) return { output: "", error: { message: err.message, type: err.type, data: err.data, info: err.info } };
    return { output: "", error: { message: `Mapping template failed: ${(err as Error).message}`, type: "MappingTemplate" } };
  }
}

/** JSON text of a value as a template means it (`null` for nothing). */
export const toJsonText = (value: unknown): string => JSON.stringify(value ?? null);

/** The `$util` helpers AppSync and API Gateway both document, with the same meaning. */
export function coreUtil() {
  return {
    /** The string escaped for a JavaScript (and JSON) string literal, without the quotes. */
    escapeJavaScript: (s: unknown) => JSON.stringify(String(s ?? "")).slice(1, -1).replace(/'/g, "\\'"),
    parseJson: (s: unknown) => {
      try {
        return JSON.parse(String(s));
      } catch (err) {
        throw new VtlError(`Unable to parse JSON document: ${(err as Error).message}`, "MappingTemplate");
      }
    },
    /** As Java's URLEncoder: space is "+", only letters, digits and `.-*_` stay as they are. */
    urlEncode: (s: unknown) => encodeURIComponent(String(s ?? "")).replace(/%20/g, "+").replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    urlDecode: (s: unknown) => decodeURIComponent(String(s ?? "").replace(/\+/g, " ")),
    base64Encode: (s: unknown) => Buffer.from(String(s ?? "")).toString("base64"),
    base64Decode: (s: unknown) => Buffer.from(String(s ?? ""), "base64").toString("utf8"),
  };
}
