/** How `sst dev` reports builds and redeploys, on either target. */
import type { Ui } from "../cli/ui.js";
import { userCodeLocation } from "../cli/error-location.js";
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

/** A redeploy after a stack change failed: what and where, while the previous deployment keeps serving. */
export function reportRedeployFailure(ui: Ui, err: unknown, cwd: string): void {
  ui.error(`Deploy failed (the previous deployment keeps running):`);
  const message = String((err as Error)?.message ?? err);
  const where = userCodeLocation(err, cwd);
  for (const l of (where && !message.includes(where) ? `${where}: ${message}` : message).split("\n")) ui.line(`   ${l}`);
}
