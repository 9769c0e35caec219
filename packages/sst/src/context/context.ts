/**
 * Request-scoped contexts and memos, as `sst/context`'s `Context.create` / `Context.memo`.
 *
 * A context holds one value for the duration of a callback (`ctx.with(value, cb)`),
 * carried through awaits by AsyncLocalStorage, so concurrent invocations in one process
 * never see each other's value. A memo computes its value once per combination of the
 * context scopes it read: `useResponse()` is one object per request, a memo that reads
 * no context is computed once per process. Values are cached in WeakMaps keyed by the
 * scope objects, so a finished request's memo values are collected with it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export class ContextNotFoundError extends Error {
  constructor(readonly contextName: string) {
    super(`${contextName} context was not provided. It is possible you have multiple versions of SST installed.`);
    this.name = "ContextNotFoundError";
  }
}

/** One `with()` call: the value, and an identity that memos key their cache on. */
interface Scope<T> {
  readonly value: T;
  readonly version: string;
}

/** The context reads of the memo being computed (innermost first). */
const tracking = new AsyncLocalStorage<Set<ContextHandle>>();

interface ContextHandle {
  currentScope(): object;
}

export interface Context<T> {
  readonly name: string;
  /** Runs `cb` with this context set to `value`; async callbacks keep it across awaits. */
  with<R>(value: T, cb: () => R): R;
  /** The current value; throws ContextNotFoundError outside `with`. */
  use(): T;
  /** A string that changes with every `with` call (SST v2's `version()`). */
  version(): string;
}

let versions = 0;

export function createContext<T>(name = "Unnamed"): Context<T> {
  const storage = new AsyncLocalStorage<Scope<T>>();
  const handle: ContextHandle = {
    currentScope() {
      const scope = storage.getStore();
      if (!scope) throw new ContextNotFoundError(name);
      return scope;
    },
  };
  return {
    name,
    with(value, cb) {
      return storage.run({ value, version: String(++versions) }, cb);
    },
    use() {
      tracking.getStore()?.add(handle);
      const scope = storage.getStore();
      if (!scope) throw new ContextNotFoundError(name);
      return scope.value;
    },
    version() {
      const scope = storage.getStore();
      if (!scope) throw new ContextNotFoundError(name);
      return scope.version;
    },
  };
}

const NO_SCOPE = {};

/**
 * `cb`'s value, computed once per set of context scopes it reads. The contexts a memo
 * reads are learned on its first successful run and assumed fixed afterwards (hooks
 * read the same contexts every time); a memo called inside another memo passes its
 * contexts on to it.
 */
export function memo<T>(cb: () => T): () => T {
  let deps: ContextHandle[] | undefined;
  // Nested WeakMaps, one level per context read, in `deps` order.
  const root = new WeakMap<object, any>();
  let unscoped: { value: T } | undefined;

  function lookup(): { found: boolean; value?: T; store(v: T): void } {
    if (deps!.length === 0) {
      return { found: !!unscoped, value: unscoped?.value, store: (v) => (unscoped = { value: v }) };
    }
    const scopes = deps!.map((d) => d.currentScope());
    let level = root;
    for (let i = 0; i < scopes.length - 1; i++) {
      let next = level.get(scopes[i]);
      if (!next) level.set(scopes[i], (next = new WeakMap()));
      level = next;
    }
    const last = scopes[scopes.length - 1] ?? NO_SCOPE;
    return { found: level.has(last), value: level.get(last), store: (v) => level.set(last, v) };
  }

  return () => {
    const outer = tracking.getStore();
    if (deps) {
      for (const d of deps) outer?.add(d);
      const slot = lookup();
      if (slot.found) return slot.value as T;
      const value = cb();
      slot.store(value);
      return value;
    }
    const read = new Set<ContextHandle>();
    const value = tracking.run(read, cb);
    // forEach / Array.from, not for…of or spread: a site's type-check compiles this file
    // with its own target, ES5 for Next.js (packages/sst/site-typecheck).
    read.forEach((d) => outer?.add(d));
    const learn = () => {
      if (deps) return;
      deps = Array.from(read);
      lookup().store(value);
    };
    // An async memo may read contexts after an await: learn them once it settles.
    if (isThenable(value)) value.then(learn, () => undefined);
    else learn();
    return value;
  };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return !!v && (typeof v === "object" || typeof v === "function") && typeof (v as any).then === "function";
}

/** SST v2's `Context` namespace. */
export const Context = { create: createContext, memo };
