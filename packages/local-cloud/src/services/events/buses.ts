/** Event bus operations. The "default" bus always exists and cannot be deleted. */
import type { CallContext } from "../../types.js";
import { busArn, DEFAULT_BUS, busNameOf, type EventsContext } from "./context.js";
import { alreadyExists, notFound, validation } from "./errors.js";
import type { StoredBus } from "./store.js";

export class BusOperations {
  constructor(private readonly c: EventsContext) {
    if (!c.store.getBus(DEFAULT_BUS)) this.put(DEFAULT_BUS, {});
  }

  private put(name: string, input: any): StoredBus {
    const now = Math.floor(Date.now() / 1000);
    const bus: StoredBus = { Name: name, Arn: busArn(this.c, name), CreationTime: now, LastModifiedTime: now, Tags: tagMap(input.Tags), ...(input.Description ? { Description: String(input.Description) } : {}) };
    this.c.store.putBus(bus);
    return bus;
  }

  bus(nameOrArn: string | undefined): StoredBus {
    const name = busNameOf(nameOrArn);
    const bus = this.c.store.getBus(name);
    if (!bus) throw notFound(`Event bus ${name} does not exist.`);
    return bus;
  }

  CreateEventBus(input: any, ctx: CallContext) {
    const name: string = input.Name;
    if (name === DEFAULT_BUS) throw validation("The name 'default' is reserved for the default event bus.");
    if (this.c.store.getBus(name)) throw alreadyExists(`Event bus ${name} already exists.`);
    return { EventBusArn: this.put(name, input).Arn };
  }

  DeleteEventBus(input: any, ctx: CallContext) {
    const name = busNameOf(input.Name);
    if (name === DEFAULT_BUS) throw validation("Cannot delete event bus default.");
    this.c.store.deleteBus(name); // deleting a bus that is gone succeeds, as in EventBridge
    return {};
  }

  DescribeEventBus(input: any, ctx: CallContext) {
    const bus = this.bus(input.Name);
    return describe(bus);
  }

  ListEventBuses(input: any, ctx: CallContext) {
    const prefix = typeof input.NamePrefix === "string" ? input.NamePrefix : "";
    const all = this.c.store.listBuses().filter((b) => b.Name.startsWith(prefix));
    const { items, next } = paginate(all, input.NextToken, input.Limit);
    return { EventBuses: items.map(describe), ...(next ? { NextToken: next } : {}) };
  }
}

function describe(b: StoredBus) {
  return { Name: b.Name, Arn: b.Arn, ...(b.Description ? { Description: b.Description } : {}), ...(b.Policy ? { Policy: b.Policy } : {}), CreationTime: b.CreationTime, LastModifiedTime: b.LastModifiedTime };
}

export function tagMap(tags: unknown): Record<string, string> {
  if (!Array.isArray(tags)) return {};
  return Object.fromEntries(tags.map((t: any) => [String(t?.Key), String(t?.Value ?? "")]));
}

export function paginate<T>(all: T[], token: unknown, limit: unknown): { items: T[]; next?: string } {
  const start = token ? Number(Buffer.from(String(token), "base64").toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw validation("The NextToken is not valid.");
  const size = limit === undefined ? 100 : Number(limit);
  if (!Number.isInteger(size) || size < 1 || size > 100) throw validation("Limit must be between 1 and 100.");
  const items = all.slice(start, start + size);
  return { items, ...(start + size < all.length ? { next: Buffer.from(String(start + size)).toString("base64") } : {}) };
}
