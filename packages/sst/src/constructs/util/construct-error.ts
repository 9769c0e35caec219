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

/** An error about one prop of a construct. */
export class ConstructPropError extends Error {
  constructor(readonly construct: ConstructRef, readonly prop: string, readonly detail: string) {
    super(`${describeConstruct(construct)}: ${prop ? `"${prop}" ` : ""}${detail}`);
    this.name = "ConstructPropError";
  }
}

export function propError(c: ConstructRef, prop: string, detail: string): ConstructPropError {
  return new ConstructPropError(c, prop, detail);
}

/**
 * An error from a construct made for another (a route's function, a consumer), told
 * as the outer construct's: `Api "Api" (stacks/API.ts:9:3): "routes["GET /"].handler" …`.
 */
export function nestedPropError(outer: ConstructRef, where: string, e: unknown): ConstructPropError {
  if (e instanceof ConstructPropError) return new ConstructPropError(outer, e.prop ? `${where}.${e.prop}` : where, e.detail);
  return new ConstructPropError(outer, where, (e as Error)?.message ?? String(e));
}

/** Runs `make`, turning what it throws into an error of the outer construct at `where`. */
export function within<T>(outer: ConstructRef, where: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw nestedPropError(outer, where, e);
  }
}
