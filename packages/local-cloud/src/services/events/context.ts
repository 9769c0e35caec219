/** What every EventBridge operation works with, and the names and ARNs it uses. */
import type { Kernel } from "../../kernel/kernel.js";
import type { EventsStore } from "./store.js";

export interface EventsContext {
  kernel: Kernel;
  store: EventsStore;
  region: string;
  accountId: string;
}

export const DEFAULT_BUS = "default";

export const busArn = (c: { region: string; accountId: string }, name: string) => `arn:aws:events:${c.region}:${c.accountId}:event-bus/${name}`;

/** The default bus's rules have no bus segment in their ARN; others do. */
export const ruleArn = (c: { region: string; accountId: string }, bus: string, name: string) =>
  `arn:aws:events:${c.region}:${c.accountId}:rule/${bus === DEFAULT_BUS ? "" : `${bus}/`}${name}`;

/** EventBusName may be a name or an event-bus ARN (its form is checked with the request); absent means "default". */
export function busNameOf(value: string | undefined): string {
  if (value === undefined || value === "") return DEFAULT_BUS;
  const m = /^arn:aws[a-z-]*:events:[^:]*:\d{12}:event-bus\/(.+)$/.exec(value);
  return m ? m[1]! : value;
}
