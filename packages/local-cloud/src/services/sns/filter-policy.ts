/**
 * Subscription filter policies. A policy is EventBridge's pattern language applied to
 * either the message attributes (FilterPolicyScope "MessageAttributes", the default)
 * or the JSON message body ("MessageBody"); the matching itself lives in
 * event-patterns/pattern-match.ts.
 */
import { matchesPattern, parsePatternText, type Pattern } from "../../event-patterns/pattern-match.js";
import { invalidParameter } from "./errors.js";
import type { MessageAttributes } from "./message-attributes.js";

/** Parses and checks a FilterPolicy attribute value; throws InvalidParameter when unusable. */
export function parseFilterPolicy(text: string, scope: string | undefined): Pattern | undefined {
  if (text === "" || text === "{}") return undefined;
  const parsed = parsePatternText(text);
  if ("problem" in parsed) throw invalidParameter(parsed.unparsable ? "FilterPolicy: failed to parse JSON." : `FilterPolicy: ${parsed.problem}`);
  const policy = parsed.pattern;
  if ((scope ?? "MessageAttributes") === "MessageAttributes") {
    for (const [k, v] of Object.entries(policy)) {
      if (k !== "$or" && !Array.isArray(v)) throw invalidParameter(`FilterPolicy: "${k}" must be an array of matchers in the MessageAttributes scope`);
    }
  }
  return policy;
}

/** The value a filter sees for each message attribute (Binary attributes are not filterable). */
function attributeValues(attrs: MessageAttributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attrs)) {
    if (a.DataType.startsWith("Number")) out[name] = Number(a.StringValue);
    else if (a.DataType === "String.Array") {
      try {
        out[name] = JSON.parse(a.StringValue ?? "[]");
      } catch {
        out[name] = a.StringValue;
      }
    } else if (a.DataType.startsWith("String")) out[name] = a.StringValue;
  }
  return out;
}

export function passesFilter(subAttributes: Record<string, string>, message: string, attrs: MessageAttributes): boolean {
  const text = subAttributes.FilterPolicy;
  if (!text) return true;
  const scope = subAttributes.FilterPolicyScope ?? "MessageAttributes";
  let policy: Pattern | undefined;
  try {
    policy = parseFilterPolicy(text, scope);
  } catch {
    return false;
  }
  if (!policy) return true;
  if (scope === "MessageBody") {
    let body: unknown;
    try {
      body = JSON.parse(message);
    } catch {
      return false; // a body that is not JSON matches no body policy
    }
    return matchesPattern(policy, body);
  }
  return matchesPattern(policy, attributeValues(attrs));
}
