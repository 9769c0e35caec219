/**
 * Watches an app's source tree for `sst dev`. Directories are watched one by one
 * (non-recursive fs.watch each) rather than with `{ recursive: true }`: on Linux,
 * Node's recursive mode walks and watches everything, node_modules included, which
 * costs seconds and thousands of inotify handles in a real app. New directories are
 * picked up as they appear. Events are batched briefly because editors save with
 * several writes/renames.
 */
import fs from "node:fs";
import path from "node:path";

/** Never sources of functions or stacks: dependencies, our own output, VCS data, framework build caches. */
export const DEFAULT_IGNORED_DIRS = ["node_modules", ".sst", ".git", ".build", "cdk.out", ".next", ".turbo", ".open-next"];

/**
 * How long events are gathered into one batch. Editors save with a few writes or a
 * write and a rename, microseconds apart (VS Code, vim, JetBrains' safe write); every
 * millisecond here is on the path from save to new code, whose target is 50 ms.
 */
export const DEFAULT_DEBOUNCE_MS = 5;

export interface TreeWatcher {
  close(): void;
  /** Directories being watched (absolute). */
  readonly directories: string[];
}

export interface WatchOptions {
  /** Directory names skipped anywhere in the tree. */
  ignoreDirs?: string[];
  /** Batch window in ms (default DEFAULT_DEBOUNCE_MS). */
  debounceMs?: number;
  onChange(files: string[]): void;
  onError?(err: Error): void;
}

export function watchTree(root: string, opts: WatchOptions): TreeWatcher {
  const ignore = new Set(opts.ignoreDirs ?? DEFAULT_IGNORED_DIRS);
  const watchers = new Map<string, fs.FSWatcher>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = () => {
    timer = undefined;
    const files = [...pending];
    pending = new Set();
    if (files.length && !closed) opts.onChange(files);
  };

  const ignored = (dir: string) => path.relative(root, dir).split(path.sep).some((part) => ignore.has(part));

  const watchDir = (dir: string) => {
    if (closed || watchers.has(dir) || ignored(dir)) return;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, { persistent: true }, (event, name) => {
        if (!name) return;
        const full = path.join(dir, name.toString());
        const changed = () => {
          if (ignored(full)) return;
          pending.add(full);
          timer ??= setTimeout(flush, opts.debounceMs ?? DEFAULT_DEBOUNCE_MS);
        };
        // Contents written ("change"): a file of the tree, reported without a stat first
        // (a round trip through libuv's thread pool on the path from save to new code).
        if (event === "change") return changed();
        // Created, moved or deleted ("rename"): a new directory is watched with everything under it.
        fs.stat(full, (err, st) => {
          if (!err && st.isDirectory()) {
            if (!watchers.has(full) && !ignored(full)) walk(full);
            return;
          }
          changed();
        });
      });
    } catch (err) {
      // Vanished between listing and watching, or not readable: nothing to watch.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" && (err as NodeJS.ErrnoException).code !== "EACCES") opts.onError?.(err as Error);
      return;
    }
    watcher.on("error", () => {
      watcher.close();
      watchers.delete(dir);
    });
    watchers.set(dir, watcher);
  };

  const walk = (dir: string) => {
    watchDir(dir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && !ignore.has(e.name)) walk(path.join(dir, e.name));
    }
  };

  walk(path.resolve(root));
  return {
    get directories() {
      return [...watchers.keys()];
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
