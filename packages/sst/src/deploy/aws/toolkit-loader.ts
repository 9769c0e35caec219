/**
 * The CDK toolkit library, imported on first use. It costs 1-1.4 s to load (more on a
 * busy machine), so only the AWS path pays for it, and a command can start the import
 * early (before synth) and await it later, overlapping the two.
 */
export type ToolkitLib = typeof import("@aws-cdk/toolkit-lib");

export interface LoadedToolkit {
  lib: ToolkitLib;
  /** How long the import took, in milliseconds (0 when an earlier call loaded it). */
  loadMs: number;
}

let pending: Promise<LoadedToolkit> | undefined;

export function loadToolkit(): Promise<LoadedToolkit> {
  if (!pending) {
    const started = performance.now();
    pending = import("@aws-cdk/toolkit-lib").then((lib) => ({ lib, loadMs: performance.now() - started }));
    // A failed import is retried on the next call rather than cached.
    pending.catch(() => (pending = undefined));
    return pending;
  }
  return pending.then((t) => ({ ...t, loadMs: 0 }));
}
