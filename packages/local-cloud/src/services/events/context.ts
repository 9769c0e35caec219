/** What every EventBridge operation works with, and the names and ARNs it uses. */
import type { LocalCloud } from "../../cloud.js";
import type { CallContext } from "../../types.js";
import { validation } from "./errors.js";
import type { EventsStore } from "./store.js";

export interface EventsContext {
  cloud: LocalCloud;
  store: EventsStore;
  region: string;
  accountId: string;
  authorize(ctx: CallContext, action: string, arn: string): void;
}

export const DEFAULT_BUS = "default";

export const busArn = (c: { region: string; accountId: string }, name: string) => `arn:aws:events:${c.region}:${c.accountId}:event-bus/${name}`;

/** The default bus's rules have no bus segment in their ARN; others do. */
export const ruleArn = (c: { region: string; accountId: string }, bus: string, name: string) =>
  `arn:aws:events:${c.region}:${c.accountId}:rule/${bus === DEFAULT_BUS ? "" : `${bus}/`}${name}`;

/** EventBusName may be a name or an event-bus ARN; absent means "default". */
export function busNameOf(value: unknown): string {
  if (value === undefined || value === null || value === "") return DEFAULT_BUS;
  if (typeof value !== "string") throw validation("EventBusName must be a string");
  const m = /^arn:aws[a-z-]*:events:[^:]*:\d{12}:event-bus\/(.+)$/.exec(value);
  const name = m ? m[1]! : value;
  if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(name)) throw validation(`1 validation error detected: Value '${value}' at 'eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:aws[\\w-]*:events:[a-z]+-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+`);
  return name;
}

export function checkRuleName(name: unknown): string {
  if (typeof name !== "string" || !/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) {
    throw validation(`1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`);
  }
  return name;
}
