/** How `sst dev` reports a function build, on either target. */
import type { Ui } from "../cli/ui.js";
import type { BuildEvent } from "./function-builder.js";

/**
 * Prints a build result; true when a save produced new code (time to pre-warm the
 * function's next worker). No recycle is needed: the Lambda runtime asks the resolver
 * on every invocation and ends warm workers whose code version is stale.
 */
export function reportBuild(ui: Ui, e: BuildEvent): boolean {
  if (e.type === "failed") {
    ui.error(`Build failed: ${e.handler}${e.servingPrevious ? " (still running the last good build)" : ""}`);
    for (const l of e.errors) ui.line(`   ${l}`);
    return false;
  }
  if (!e.changed) return false;
  ui.line(`|  Built ${e.handler} ${Math.round(e.durationMs)}ms`);
  return Boolean(e.rebuild);
}
