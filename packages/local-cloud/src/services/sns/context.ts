/** What every SNS operation works with: the kernel and the store. */
import type { Kernel } from "../../kernel/kernel.js";
import type { SnsStore } from "./store.js";

export interface SnsContext {
  kernel: Kernel;
  store: SnsStore;
  region: string;
  accountId: string;
}

export const topicArnOf = (c: { region: string; accountId: string }, name: string) => `arn:aws:sns:${c.region}:${c.accountId}:${name}`;

/** The topic name inside a topic ARN, or undefined when `arn` is not a topic ARN. */
export function parseTopicArn(arn: unknown): { region: string; account: string; name: string } | undefined {
  if (typeof arn !== "string") return undefined;
  const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}
