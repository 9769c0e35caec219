/**
 * JSONata states (`QueryLanguage: "JSONata"` on the machine or the state): field values
 * that are `{% expression %}` strings are JSONata expressions (npm's `jsonata`, the
 * language's own implementation), evaluated with `$states` (`input`, `result`,
 * `errorOutput`, `context`) and the workflow's variables bound. Variables are set by a
 * state's `Assign` (evaluated, like its `Output`, before any of its assignments apply);
 * a Parallel branch or Map iteration reads the variables outside it and assigns its own.
 */
import jsonata from "jsonata";
import { StatesError } from "./errors.js";

type Expression = ReturnType<typeof jsonata>;

const EXPRESSION = /^\{%([\s\S]*)%\}$/;
const compiled = new Map<string, Expression>();

/** The expression inside a `{% … %}` string, else undefined. */
export function expressionOf(value: unknown): string | undefined {
  return typeof value === "string" ? EXPRESSION.exec(value)?.[1] : undefined;
}

/** Compiles (once) an expression; a syntax error throws with JSONata's message. */
export function compile(expression: string): Expression {
  let e = compiled.get(expression);
  if (!e) {
    e = jsonata(expression);
    if (compiled.size > 5_000) compiled.clear();
    compiled.set(expression, e);
  }
  return e;
}

/** The workflow variables one scope sees: its own, then those of the scopes around it. */
export class Variables {
  private readonly own = new Map<string, unknown>();

  constructor(private readonly outer?: Variables, initial?: Record<string, unknown>) {
    for (const [k, v] of Object.entries(initial ?? {})) this.own.set(k, v);
  }

  /** A Parallel branch's or Map iteration's scope. */
  child(): Variables {
    return new Variables(this);
  }

  assign(values: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(values)) this.own.set(k, v);
  }

  /** Every variable visible here, inner scopes winning. */
  all(): Record<string, unknown> {
    return { ...(this.outer?.all() ?? {}), ...Object.fromEntries(this.own) };
  }

  /** This scope's own variables (what a checkpoint keeps). */
  snapshot(): Record<string, unknown> {
    return Object.fromEntries(this.own);
  }
}

export interface StatesBinding {
  input: unknown;
  context: unknown;
  result?: unknown;
  errorOutput?: unknown;
}

/**
 * A JSONata field's value: an expression string evaluated, an object or array with its
 * expression strings evaluated inside, anything else as written. A failing expression
 * is States.QueryEvaluationError naming the field.
 */
export async function evaluateField(value: unknown, states: StatesBinding, variables: Variables, field: string): Promise<unknown> {
  const expression = expressionOf(value);
  if (expression !== undefined) {
    try {
      const out = await compile(expression).evaluate(undefined, { ...variables.all(), states });
      return plain(out);
    } catch (err) {
      if (err instanceof StatesError) throw err;
      throw new StatesError("States.QueryEvaluationError", `An error occurred while evaluating the JSONata expression '${expression.trim()}' in the field '${field}': ${(err as Error)?.message ?? err}`);
    }
  }
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => evaluateField(v, states, variables, `${field}[${i}]`)));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await evaluateField(v, states, variables, `${field}.${k}`);
    return out;
  }
  return value;
}

/** JSONata answers sequences as arrays with extra properties; the state's data is plain JSON. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Evaluates `Assign` and `Output` against the same variables, then applies the assignments; answers the output. */
export async function assignAndOutput(holder: { Assign?: unknown; Output?: unknown }, states: StatesBinding, variables: Variables, defaultOutput: unknown): Promise<unknown> {
  const assigned = holder.Assign !== undefined ? await evaluateField(holder.Assign, states, variables, "Assign") : undefined;
  const output = holder.Output !== undefined ? await evaluateField(holder.Output, states, variables, "Output") : defaultOutput;
  if (assigned && typeof assigned === "object") variables.assign(assigned as Record<string, unknown>);
  return output;
}

/** Every expression in a JSONata field, for the definition check. */
export function expressionsIn(value: unknown): string[] {
  const e = expressionOf(value);
  if (e !== undefined) return [e];
  if (Array.isArray(value)) return value.flatMap(expressionsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(expressionsIn);
  return [];
}
