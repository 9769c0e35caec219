/**
 * Errors about a construct's props name the construct, the prop and the place in the
 * app's code where the construct was created ("stacks/API.ts:12:15"), so a bad prop
 * is found without reading a stack trace.
 */
import { userCodeLocation } from "../../cli/error-location.js";

/** Where in the app's code the current call came from (the first frame outside sst). */
export function callSite(): string | undefined {
  return userCodeLocation(new Error("call site"));
}

export interface ConstructRef {
  /** "Function", "Api" … */
  kind: string;
  /** The id the construct was given. */
  id: string;
  /** Where it was created, from callSite(). */
  site?: string;
}

/** `Function "Billing" (stacks/API.ts:12:15)` */
export function describeConstruct(c: ConstructRef): string {
  return `${c.kind} "${c.id}"${c.site ? ` (${c.site})` : ""}`;
}

/**
 * An error about one prop of a construct: `Api "Api" (stacks/API.ts:9:3): "cors" detail`.
 * A `sentence` is SST v2's own wording (which apps and SST v2's tests match on); it
 * follows the prop's path: `Table "T" (stacks/DB.ts:4:3): "consumers.c": Please enable …`.
 */
export class ConstructPropError extends Error {
  constructor(readonly construct: ConstructRef, readonly prop: string, readonly detail: string, readonly sentence = false) {
    const lead = !prop ? "" : sentence ? `"${prop}": ` : `"${prop}" `;
    super(`${describeConstruct(construct)}: ${lead}${detail}`);
    this.name = "ConstructPropError";
  }
}

export function propError(c: ConstructRef, prop: string, detail: string): ConstructPropError {
  return new ConstructPropError(c, prop, detail);
}

/** An error in SST v2's own words, which name the prop (`Cannot configure the "cors" when …`). */
export function sentenceError(c: ConstructRef, prop: string, sentence: string): ConstructPropError {
  return new ConstructPropError(c, prop, sentence, true);
}

/**
 * An error from a construct made for another (a route's function, a consumer), told
 * as the outer construct's: `Api "Api" (stacks/API.ts:9:3): "routes["GET /"].handler" …`.
 */
export function nestedPropError(outer: ConstructRef, where: string, e: unknown): ConstructPropError {
  if (e instanceof ConstructPropError) {
    const prop = e.prop ? `${where}.${e.prop}` : where;
    return new ConstructPropError(outer, prop, e.detail, e.sentence);
  }
  return new ConstructPropError(outer, where, (e as Error)?.message ?? String(e));
}

/** The `within` calls in progress, innermost last. */
const enclosing: { outer: ConstructRef; where: string }[] = [];

/** Runs `make`, turning what it throws into an error of the outer construct at `where`. */
export function within<T>(outer: ConstructRef, where: string, make: () => T): T {
  enclosing.push({ outer, where });
  try {
    return make();
  } catch (e) {
    throw nestedPropError(outer, where, e);
  } finally {
    enclosing.pop();
  }
}

/**
 * For checks that run later (when the app finishes): captures the constructs the
 * current one is being made for, and returns what turns a later error into theirs,
 * as `within` would have at construction.
 */
export function captureEnclosing(): (e: unknown) => unknown {
  const chain = enclosing.slice();
  return (e) => chain.reduceRight<unknown>((err, { outer, where }) => nestedPropError(outer, where, err), e);
}
