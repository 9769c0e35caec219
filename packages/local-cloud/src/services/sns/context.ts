/** What every SNS operation works with: the store, the cloud, and the IAM check. */
import type { LocalCloud } from "../../cloud.js";
import type { CallContext } from "../../types.js";
import type { SnsStore } from "./store.js";

export interface SnsContext {
  cloud: LocalCloud;
  store: SnsStore;
  region: string;
  accountId: string;
  /** Throws SNS's AuthorizationError when the caller may not do `action` on `arn`. */
  authorize(ctx: CallContext, action: string, arn: string): void;
}

export const topicArnOf = (c: { region: string; accountId: string }, name: string) => `arn:aws:sns:${c.region}:${c.accountId}:${name}`;

/** The topic name inside a topic ARN, or undefined when `arn` is not a topic ARN. */
export function parseTopicArn(arn: unknown): { region: string; account: string; name: string } | undefined {
  if (typeof arn !== "string") return undefined;
  const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}
