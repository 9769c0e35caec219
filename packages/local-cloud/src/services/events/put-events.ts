/**
 * PutEvents: each entry becomes an event envelope, is matched against the enabled
 * pattern rules of its bus, and is delivered to their targets in the background. Also
 * TestEventPattern, and the dispatch the scheduler and bus-to-bus targets reuse.
 */
import { randomUUID } from "node:crypto";
import type { CallContext } from "../../types.js";
import type { BusOperations } from "./buses.js";
import { busArn, busNameOf, type EventsContext } from "./context.js";
import { invalidPattern, validation } from "./errors.js";
import { MAX_PATTERN_LENGTH, matchesPattern, parsePatternText } from "../../event-patterns/pattern-match.js";
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from "../../limits/json-depth.js";
import type { StoredRule } from "./store.js";
import type { TargetDelivery } from "./targets.js";

export type EventEnvelope = Record<string, unknown> & { id: string };

/** EventBridge writes times without milliseconds. */
export const eventTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export class PutEventsOperation {
  /** Deliveries in flight, so close() can wait for them. */
  readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly c: EventsContext,
    private readonly buses: BusOperations,
    private readonly delivery: TargetDelivery,
  ) {}

  PutEvents(input: any, ctx: CallContext) {
    const entries: any[] = input.Entries;
    const out: Array<Record<string, string>> = [];
    for (const entry of entries) {
      try {
        out.push({ EventId: this.putEntry(entry) });
      } catch (err: any) {
        out.push({ ErrorCode: err?.entryCode ?? err?.code ?? "InternalException", ErrorMessage: String(err?.message ?? err) });
      }
    }
    return { FailedEntryCount: out.filter((e) => e.ErrorCode).length, Entries: out };
  }

  TestEventPattern(input: any, _ctx: CallContext) {
    let event: unknown;
    const parsed = parsePatternText(String(input.EventPattern), { maxLength: MAX_PATTERN_LENGTH });
    if ("problem" in parsed) throw invalidPattern(parsed.problem);
    const pattern = parsed.pattern;
    try {
      const text = String(input.Event);
      if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) throw new Error("too deep");
      event = JSON.parse(text);
    } catch {
      throw validation("Parameter Event is not valid.");
    }
    for (const field of ["id", "account", "source", "time", "region", "detail-type"]) {
      if (!event || typeof event !== "object" || !(field in event)) throw validation(`Parameter Event is not valid. Reason: Provided event is missing required field ${field}.`);
    }
    return { Result: matchesPattern(pattern, event) };
  }

  private putEntry(entry: any): string {
    const fail = (entryCode: string, message: string) => Object.assign(new Error(message), { entryCode });
    if (typeof entry?.Source !== "string" || entry.Source === "") throw fail("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
    if (typeof entry.DetailType !== "string" || entry.DetailType === "") throw fail("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
    if (typeof entry.Detail !== "string") throw fail("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
    let detail: unknown;
    try {
      // Deliveries serialize the event again: a detail nested past any sane depth is malformed.
      detail = jsonNestsDeeperThan(entry.Detail, MAX_JSON_DEPTH) ? undefined : JSON.parse(entry.Detail);
    } catch {
      detail = undefined;
    }
    if (!detail || typeof detail !== "object" || Array.isArray(detail)) throw fail("MalformedDetail", "Detail is malformed.");
    const busName = busNameOf(entry.EventBusName);
    if (!this.c.store.getBus(busName)) throw fail("ResourceNotFoundException", `Event bus ${busName} does not exist.`);
    const event: EventEnvelope = {
      version: "0",
      id: randomUUID(),
      "detail-type": entry.DetailType,
      source: entry.Source,
      account: this.c.accountId,
      time: eventTime(timeOf(entry.Time)),
      region: this.c.region,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail,
    };
    this.dispatch(busName, event);
    return event.id;
  }

  /** Deliver an event to the targets of every enabled pattern rule of a bus that matches it. */
  dispatch(busName: string, event: EventEnvelope): void {
    this.c.kernel.events.emit("eventbridge:event", { busName, event });
    for (const rule of this.c.store.listRules(busName)) {
      if (rule.State === "DISABLED" || rule.EventPattern === undefined) continue;
      if (!safeMatch(rule, event)) continue;
      this.deliverToRule(rule, event);
    }
  }

  /** Deliver an event to every target of one rule (also used for scheduled rules). */
  deliverToRule(rule: StoredRule, event: EventEnvelope): void {
    for (const target of this.c.store.targets(rule.EventBusName, rule.Name)) {
      const p = this.delivery.deliver(target, event, { ruleArn: rule.Arn, ruleName: rule.Name });
      this.inFlight.add(p);
      p.finally(() => this.inFlight.delete(p));
    }
  }
}

function safeMatch(rule: StoredRule, event: EventEnvelope): boolean {
  try {
    return matchesPattern(JSON.parse(rule.EventPattern!), event);
  } catch {
    return false;
  }
}

function timeOf(t: unknown): Date {
  if (t instanceof Date && !Number.isNaN(t.getTime())) return t;
  if (typeof t === "number") return new Date(t < 1e11 ? t * 1000 : t);
  if (typeof t === "string" && !Number.isNaN(Date.parse(t))) return new Date(t);
  return new Date();
}
