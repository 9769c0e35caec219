/**
 * Items are stored as the JSON text of their wire form, so a read that returns them
 * unchanged (no projection, no filter) can put that text straight into the response
 * instead of parsing it and stringifying it again. RawJson marks such text in an
 * operation's output; serializeOutput writes it verbatim, materialize turns it back into
 * objects for in-process callers.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

function valueText(v: unknown): string | undefined {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v) && v.some((x) => x instanceof RawJson)) {
    return `[${v.map((x) => (x instanceof RawJson ? x.text : JSON.stringify(x) ?? "null")).join(",")}]`;
  }
  return JSON.stringify(v);
}

/**
 * JSON text of an operation output. RawJson may appear as a top-level member or as an
 * element of a top-level array (Item, Items): the only places reads put it.
 */
export function serializeOutput(out: Record<string, unknown>): string {
  let text = "";
  for (const key in out) {
    const v = valueText(out[key]);
    if (v === undefined) continue; // as JSON.stringify drops undefined members
    text += `${text ? "," : ""}${JSON.stringify(key)}:${v}`;
  }
  return `{${text}}`;
}

/** The output with every RawJson parsed, as an in-process caller expects it. */
export function materialize<T>(out: T): T {
  if (!out || typeof out !== "object") return out;
  const o = out as Record<string, unknown>;
  for (const key in o) {
    const v = o[key];
    if (v instanceof RawJson) o[key] = JSON.parse(v.text);
    else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) if (v[i] instanceof RawJson) v[i] = JSON.parse((v[i] as RawJson).text);
  }
  return out;
}
