/**
 * The local cloud's URLs carry its port (an API's ApiEndpoint, a queue's URL, a
 * function URL). On AWS those never change; here a restart may land on another port.
 * When it does, the values deployed stacks recorded (physical ids, attributes,
 * outputs) are moved to the new endpoint and each such stack is marked stale, so its
 * next deploy re-resolves every property that used them: the SSM parameters and
 * function environments that hold a URL are updated instead of pointing at a port
 * nobody listens on.
 */
import fs from "node:fs";
import path from "node:path";
import type { StackState, StackStore } from "../../cloudformation/store.js";

const MARKER = "endpoint";

/**
 * Replace `from` (an origin like http://127.0.0.1:4570) with `to` where it stands as a
 * whole origin, and move the port of the local cloud's host-named endpoints
 * (`{id}.cloudfront.localhost:4570`, `{id}.execute-api.localhost:4570`) with it.
 */
export function moveOrigin(text: string, from: string, to: string): string {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const moved = text.replace(new RegExp(`${escaped}(?=[/"'\\s]|$)`, "g"), to);
  const oldPort = new URL(from).port, newPort = new URL(to).port;
  if (!oldPort || !newPort || oldPort === newPort) return moved;
  return moved.replace(new RegExp(`(\\.(?:cloudfront|execute-api)\\.localhost):${oldPort}(?=[/"'\\s]|$)`, "g"), `$1:${newPort}`);
}

/** Rewrites the stacks' recorded values if the endpoint moved since the last start; returns the stacks touched. */
export function moveStacksToEndpoint(store: StackStore, stateDir: string, endpoint: string): string[] {
  const markerFile = path.join(stateDir, MARKER);
  const previous = fs.existsSync(markerFile) ? fs.readFileSync(markerFile, "utf8").trim() : undefined;
  const moved: string[] = [];
  if (previous && previous !== endpoint) {
    for (const stack of store.list(false)) {
      // Physical ids, attributes and outputs move; the properties stay as deployed, so
      // the next deploy sees every property resolved from a moved value as changed.
      const recorded = (s: StackState) =>
        JSON.stringify({
          ids: Object.fromEntries(Object.entries(s.resources).map(([id, r]) => [id, [r.physicalId, r.attributes]])),
          outputs: s.outputs,
        });
      const before = recorded(stack);
      const after = moveOrigin(before, previous, endpoint);
      if (after === before) continue;
      const { ids, outputs } = JSON.parse(after) as { ids: Record<string, [string, Record<string, unknown>]>; outputs: StackState["outputs"] };
      const resources = Object.fromEntries(
        Object.entries(stack.resources).map(([id, r]) => [id, { ...r, physicalId: ids[id]![0], attributes: ids[id]![1] }]),
      );
      store.save({ ...stack, resources, outputs, endpointMoved: true });
      moved.push(stack.stackName);
    }
  }
  fs.writeFileSync(markerFile, endpoint + "\n");
  return moved;
}
