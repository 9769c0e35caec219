/**
 * Stacks as functions (SST v2): `app.stack(Fn)` creates a Stack, runs `Fn({ app, stack })`
 * and remembers what it returned, so another stack can `use(Fn)` it.
 */
import type { App } from "./App.js";
import { Stack, type SSTStackProps } from "./Stack.js";

export interface StackContext {
  app: App;
  stack: Stack;
}

export type FunctionalStack<T = any> = (ctx: StackContext) => T | Promise<T>;

export interface StackProps extends SSTStackProps {
  id?: string;
}

interface Entry { stack: Stack; returns: unknown; }

const registry = new WeakMap<App, Map<FunctionalStack<any>, Entry>>();
let currentApp: App | undefined;
let currentStack: FunctionalStack<any> | undefined;

function entries(app: App): Map<FunctionalStack<any>, Entry> {
  let m = registry.get(app);
  if (!m) registry.set(app, (m = new Map()));
  return m;
}

function name(fn: FunctionalStack<any>): string {
  return fn.name || "anonymous";
}

export function stack<T>(app: App, fn: FunctionalStack<T>, props?: StackProps): void | Promise<void> {
  currentApp = app;
  currentStack = fn;
  const map = entries(app);
  if (map.has(fn)) throw new Error(`StackDuplicates: Attempting to initialize stack ${name(fn)} several times`);
  const id = props?.id ?? fn.name;
  if (!id) throw new Error("A stack function must be named, or given { id }");
  const { id: _id, ...rest } = props ?? {};
  const s = new Stack(app, id, rest);
  const entry: Entry = { stack: s, returns: undefined };
  map.set(fn, entry);
  const returns = fn.call(s, { app, stack: s });
  if (returns && typeof (returns as any).then === "function") {
    return (returns as Promise<T>).then((data) => {
      entry.returns = data;
    });
  }
  entry.returns = returns;
}

function lookup(fn: FunctionalStack<any>, what: string): Entry {
  if (!currentApp) throw new Error(`${what}: no SST app is being built`);
  const e = entries(currentApp).get(fn);
  if (!e) {
    throw new Error(
      `StackWrongOrder: Initialize "${name(fn)}" stack before "${currentStack ? name(currentStack) : "?"}" stack`,
    );
  }
  return e;
}

/** The value the stack function returned. */
export function use<T>(fn: FunctionalStack<T>): Awaited<T> {
  return lookup(fn, "use").returns as Awaited<T>;
}

/** Make the current stack depend on fn's stack. */
export function dependsOn(fn: FunctionalStack<any>): void {
  const e = lookup(fn, "dependsOn");
  const cur = currentStack && currentApp ? entries(currentApp).get(currentStack) : undefined;
  if (!cur) throw new Error("dependsOn must be called inside a stack function");
  cur.stack.addDependency(e.stack);
}

export function getStack(fn: FunctionalStack<any>): Stack {
  return lookup(fn, "getStack").stack;
}
