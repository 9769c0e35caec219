/** TagResource / UntagResource / ListTagsForResource on rules and event buses, by ARN. */
import type { CallContext } from "../../types.js";
import type { EventsContext } from "./context.js";
import { notFound, validation } from "./errors.js";

export class TagOperations {
  constructor(private readonly c: EventsContext) {}

  /** The record an ARN names, with a save function. */
  private resource(arn: unknown): { tags: Record<string, string>; save(tags: Record<string, string>): void } {
    if (typeof arn !== "string") throw validation("ResourceARN is required.");
    const bus = /:event-bus\/(.+)$/.exec(arn);
    if (bus) {
      const b = this.c.store.getBus(bus[1]!);
      if (!b || b.Arn !== arn) throw notFound(`Event bus ${bus[1]} does not exist.`);
      return { tags: b.Tags, save: (tags) => this.c.store.putBus({ ...b, Tags: tags }) };
    }
    const rule = /:rule\/(?:(.+)\/)?([^/]+)$/.exec(arn);
    if (rule) {
      const r = this.c.store.getRule(rule[1] ?? "default", rule[2]!);
      if (!r || r.Arn !== arn) throw notFound(`Rule ${rule[2]} does not exist.`);
      return { tags: r.Tags, save: (tags) => this.c.store.putRule({ ...r, Tags: tags }) };
    }
    throw validation(`Parameter ResourceARN is not valid: ${arn}`);
  }

  TagResource(input: any, ctx: CallContext) {
    const r = this.resource(input.ResourceARN);
    const add = Object.fromEntries((Array.isArray(input.Tags) ? input.Tags : []).map((t: any) => [String(t.Key), String(t.Value ?? "")]));
    r.save({ ...r.tags, ...add });
    return {};
  }

  UntagResource(input: any, ctx: CallContext) {
    const r = this.resource(input.ResourceARN);
    const tags = { ...r.tags };
    for (const k of Array.isArray(input.TagKeys) ? input.TagKeys : []) delete tags[String(k)];
    r.save(tags);
    return {};
  }

  ListTagsForResource(input: any, ctx: CallContext) {
    return { Tags: Object.entries(this.resource(input.ResourceARN).tags).map(([Key, Value]) => ({ Key, Value })) };
  }
}
