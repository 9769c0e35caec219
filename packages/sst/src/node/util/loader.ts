/**
 * Batching loaders: calls made in the same tick share one call of `batchFn`, each caller
 * getting its own result (or error) back. `useLoader` keeps one loader per key for the
 * life of the process, so `Events.X.publish()` calls made together go out as one
 * PutEvents of up to ten entries.
 */
import { memo } from "../../context/context.js";

export function createLoader<Key, Value>(batchFn: (keys: Key[]) => Promise<(Value | Error)[]>) {
  interface Batch {
    keys: Key[];
    settle: { resolve(v: Value): void; reject(e: unknown): void }[];
  }
  let current: Batch | undefined;

  function flush(batch: Batch) {
    current = undefined;
    batchFn(batch.keys).then(
      (results) => {
        batch.settle.forEach((s, i) => {
          const r = results[i];
          if (r instanceof Error) s.reject(r);
          else s.resolve(r as Value);
        });
      },
      (err) => batch.settle.forEach((s) => s.reject(err)),
    );
  }

  return (key: Key): Promise<Value> => {
    if (!current) {
      const batch: Batch = { keys: [], settle: [] };
      current = batch;
      process.nextTick(() => flush(batch));
    }
    const batch = current;
    batch.keys.push(key);
    return new Promise<Value>((resolve, reject) => batch.settle.push({ resolve, reject }));
  };
}

const loaders = /* @__PURE__ */ memo(() => new Map<unknown, unknown>());

export function useLoader<Key, Value>(key: unknown, batchFn: (keys: Key[]) => Promise<(Value | Error)[]>) {
  const map = loaders();
  let loader = map.get(key) as ((k: Key) => Promise<Value>) | undefined;
  if (!loader) map.set(key, (loader = createLoader(batchFn)));
  return loader;
}
