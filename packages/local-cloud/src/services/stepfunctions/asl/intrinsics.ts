/**
 * Intrinsic functions (`States.Format('{}', $.name)` …) in payload templates: parsed
 * once into a call tree (cached by text), evaluated against the state's input and the
 * context object. A bad argument fails the state with States.IntrinsicFailure.
 */
import { createHash, randomInt, randomUUID } from "node:crypto";
import { StatesError } from "./errors.js";
import { read } from "./json-path.js";

type Arg = { kind: "literal"; value: unknown } | { kind: "path"; path: string } | { kind: "call"; name: string; args: Arg[] };

const failure = (text: string, why: string) => new StatesError("States.IntrinsicFailure", `Invalid arguments in ${text}: ${why}`);

const cache = new Map<string, Arg>();

export function isIntrinsic(text: string): boolean {
  return /^States\.[A-Za-z0-9]+\s*\(/.test(text);
}

/** Parses an intrinsic call; throws a message naming the position on a syntax error. */
export function parseIntrinsic(text: string): Arg {
  const hit = cache.get(text);
  if (hit) return hit;
  let i = 0;
  const syntax = (what: string) => new StatesError("States.Runtime", `The value for the field '${text}' must be a valid intrinsic function: ${what} at position ${i}`);
  const ws = () => {
    while (text[i] === " ") i++;
  };
  const parseArg = (): Arg => {
    ws();
    const c = text[i];
    if (c === "'") {
      let out = "";
      i++;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === "\\" && i + 1 < text.length) {
          // \{ \} stay escaped for States.Format; \' and \\ are the quote and backslash.
          const next = text[i + 1]!;
          out += next === "{" || next === "}" ? `\\${next}` : next;
          i += 2;
        } else out += text[i++];
      }
      if (text[i] !== "'") throw syntax("unterminated string");
      i++;
      return { kind: "literal", value: out };
    }
    if (c === "$") {
      const m = /^\$\$?[^,)\s]*/.exec(text.slice(i))!;
      i += m[0].length;
      return { kind: "path", path: m[0] };
    }
    if (text.startsWith("States.", i)) return parseCall();
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) throw syntax("unexpected character");
    i += m[0].length;
    return { kind: "literal", value: JSON.parse(m[0]) };
  };
  const parseCall = (): Arg => {
    const m = /^States\.([A-Za-z0-9]+)\s*\(/.exec(text.slice(i));
    if (!m) throw syntax("expected a function");
    i += m[0].length;
    const args: Arg[] = [];
    ws();
    if (text[i] === ")") i++;
    else {
      for (;;) {
        args.push(parseArg());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === ")") {
          i++;
          break;
        } else throw syntax("expected ',' or ')'");
      }
    }
    return { kind: "call", name: `States.${m[1]}`, args };
  };
  const tree = parseCall();
  ws();
  if (i !== text.length) throw syntax("unexpected text after the call");
  if (cache.size > 10_000) cache.clear();
  cache.set(text, tree);
  return tree;
}

export function evaluateIntrinsic(text: string, input: unknown, context: unknown): unknown {
  return evaluate(parseIntrinsic(text), text, input, context);
}

function evaluate(arg: Arg, text: string, input: unknown, context: unknown): unknown {
  if (arg.kind === "literal") return arg.value;
  if (arg.kind === "path") return arg.path.startsWith("$$") ? read(context, arg.path.slice(1)) : read(input, arg.path);
  const fn = FUNCTIONS[arg.name];
  if (!fn) throw new StatesError("States.Runtime", `The intrinsic function ${arg.name} is not supported in ${text}`);
  const values = arg.args.map((a) => evaluate(a, text, input, context));
  return fn(values, (why) => failure(text, why));
}

type Fail = (why: string) => StatesError;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

function arity(args: unknown[], min: number, max: number, fail: Fail): void {
  if (args.length < min || args.length > max) throw fail(`expected ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`);
}
function array(v: unknown, fail: Fail): unknown[] {
  if (!Array.isArray(v)) throw fail("expected an array");
  return v;
}
function string(v: unknown, fail: Fail): string {
  if (typeof v !== "string") throw fail("expected a string");
  return v;
}
function integer(v: unknown, fail: Fail): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw fail("expected an integer");
  return v;
}
function number(v: unknown, fail: Fail): number {
  if (typeof v !== "number") throw fail("expected a number");
  return v;
}

/** Deep JSON equality (ArrayContains, ArrayUnique). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || !a || !b || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object), kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => same((a as any)[k], (b as any)[k]));
}

const HASHES: Record<string, string> = { MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

const FUNCTIONS: Record<string, (args: unknown[], fail: Fail) => unknown> = {
  "States.Format": (args, fail) => {
    if (!args.length) throw fail("expected a format string");
    const template = string(args[0], fail);
    const values = args.slice(1);
    let n = 0;
    const out = template.replace(/\\([{}])|\{\}/g, (whole, escaped: string | undefined) => {
      if (escaped) return escaped;
      if (n >= values.length) throw fail("more placeholders than arguments");
      const v = values[n++];
      if (v !== null && typeof v === "object") throw fail("placeholders take strings, numbers, booleans or null");
      return String(v);
    });
    if (n !== values.length) throw fail("more arguments than placeholders");
    return out;
  },
  "States.StringToJson": (args, fail) => {
    arity(args, 1, 1, fail);
    try {
      return JSON.parse(string(args[0], fail));
    } catch (e) {
      if (e instanceof StatesError) throw e;
      throw fail("the string is not JSON");
    }
  },
  "States.JsonToString": (args, fail) => (arity(args, 1, 1, fail), JSON.stringify(args[0])),
  "States.Array": (args) => args,
  "States.ArrayPartition": (args, fail) => {
    arity(args, 2, 2, fail);
    const items = array(args[0], fail), size = integer(args[1], fail);
    if (size <= 0) throw fail("the chunk size must be positive");
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  },
  "States.ArrayContains": (args, fail) => (arity(args, 2, 2, fail), array(args[0], fail).some((v) => same(v, args[1]))),
  "States.ArrayRange": (args, fail) => {
    arity(args, 3, 3, fail);
    const start = integer(args[0], fail), end = integer(args[1], fail), step = integer(args[2], fail);
    if (step === 0) throw fail("the step must not be 0");
    const out: number[] = [];
    for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
      out.push(v);
      if (out.length > 1000) throw fail("the range has more than 1000 items");
    }
    return out;
  },
  "States.ArrayGetItem": (args, fail) => {
    arity(args, 2, 2, fail);
    const items = array(args[0], fail), index = integer(args[1], fail);
    if (index < 0 || index >= items.length) throw fail(`index ${index} is out of bounds`);
    return items[index];
  },
  "States.ArrayLength": (args, fail) => (arity(args, 1, 1, fail), array(args[0], fail).length),
  "States.ArrayUnique": (args, fail) => {
    arity(args, 1, 1, fail);
    const out: unknown[] = [];
    for (const v of array(args[0], fail)) if (!out.some((o) => same(o, v))) out.push(v);
    return out;
  },
  "States.Base64Encode": (args, fail) => {
    arity(args, 1, 1, fail);
    const s = string(args[0], fail);
    if (s.length > 10_000) throw fail("the input is over 10000 characters");
    return Buffer.from(s, "utf8").toString("base64");
  },
  "States.Base64Decode": (args, fail) => {
    arity(args, 1, 1, fail);
    const s = string(args[0], fail);
    if (s.length > 10_000) throw fail("the input is over 10000 characters");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw fail("the input is not base64");
    return Buffer.from(s, "base64").toString("utf8");
  },
  "States.Hash": (args, fail) => {
    arity(args, 2, 2, fail);
    const algorithm = HASHES[string(args[1], fail)];
    if (!algorithm) throw fail(`the algorithm must be one of ${Object.keys(HASHES).join(", ")}`);
    const data = typeof args[0] === "string" ? args[0] : JSON.stringify(args[0]);
    if (data.length > 10_000) throw fail("the input is over 10000 characters");
    return createHash(algorithm).update(data).digest("hex");
  },
  "States.JsonMerge": (args, fail) => {
    arity(args, 3, 3, fail);
    if (!isObject(args[0]) || !isObject(args[1])) throw fail("expected two objects");
    if (args[2] !== false) throw fail("only shallow merges (false) are supported");
    return { ...args[0], ...args[1] };
  },
  "States.MathRandom": (args, fail) => {
    arity(args, 2, 3, fail);
    const start = integer(args[0], fail), end = integer(args[1], fail);
    if (end <= start) throw fail("the end must be greater than the start");
    if (args.length === 3) {
      // A seed makes the value repeatable: it is derived from the seed alone.
      const seed = integer(args[2], fail);
      const x = Math.abs(Math.sin(seed) * 10_000);
      return start + Math.floor((x - Math.floor(x)) * (end - start));
    }
    return randomInt(start, end);
  },
  "States.MathAdd": (args, fail) => {
    arity(args, 2, 2, fail);
    const a = number(args[0], fail), b = number(args[1], fail);
    if (!Number.isInteger(a) || !Number.isInteger(b)) throw fail("expected integers");
    return a + b;
  },
  "States.StringSplit": (args, fail) => {
    arity(args, 2, 2, fail);
    const s = string(args[0], fail), delimiters = string(args[1], fail);
    if (!delimiters) return [s];
    const parts: string[] = [];
    let current = "";
    for (const c of s) {
      if (delimiters.includes(c)) {
        if (current) parts.push(current);
        current = "";
      } else current += c;
    }
    if (current) parts.push(current);
    return parts;
  },
  "States.UUID": (args, fail) => (arity(args, 0, 0, fail), randomUUID()),
};
