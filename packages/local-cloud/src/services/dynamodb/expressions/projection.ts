/**
 * ProjectionExpression: copies only the named document paths into a new item. Nested
 * paths keep their structure; projected list elements are packed in index order, as
 * DynamoDB returns them.
 */
import type { AttributeValue, Item } from "../attribute-value.js";
import { cloneJson } from "../attribute-value.js";
import type { PathNode } from "./ast.js";

export function project(item: Item, paths: PathNode[]): Item {
  const out: Item = {};
  for (const p of paths) copyPath(item, out, p);
  return out;
}

function copyPath(src: Item, dst: Item, path: PathNode): void {
  const els = path.elements;
  let from: AttributeValue | undefined;
  const first = els[0]!;
  if (!("name" in first)) return;
  from = src[first.name];
  if (from === undefined) return;
  if (els.length === 1) {
    dst[first.name] = cloneJson(from);
    return;
  }
  // Walk both trees in step, creating containers in dst as needed.
  const chain: AttributeValue[] = [from];
  for (let i = 1; i < els.length; i++) {
    const e = els[i]!;
    const cur = chain[chain.length - 1]!;
    const next = "name" in e ? ("M" in cur ? cur.M[e.name] : undefined) : "L" in cur ? cur.L[e.index] : undefined;
    if (next === undefined) return;
    chain.push(next);
  }
  let target: AttributeValue = dst[first.name] ?? ("M" in from ? { M: {} } : { L: [] });
  dst[first.name] = target;
  for (let i = 1; i < els.length; i++) {
    const e = els[i]!;
    const last = i === els.length - 1;
    const srcChild = chain[i]!;
    const make = (): AttributeValue => (last ? cloneJson(srcChild) : "M" in srcChild ? { M: {} } : { L: [] });
    if ("name" in e) {
      const m = (target as any).M as Record<string, AttributeValue>;
      if (!m[e.name] || last) m[e.name] = make();
      target = m[e.name]!;
    } else {
      // Lists are packed; remember source indexes so later paths into the same element merge.
      const l = (target as any).L as AttributeValue[] & { __idx?: number[] };
      const idx = (l.__idx ??= []);
      let pos = idx.indexOf(e.index);
      if (pos < 0) {
        pos = idx.findIndex((x) => x > e.index);
        if (pos < 0) pos = l.length;
        idx.splice(pos, 0, e.index);
        l.splice(pos, 0, make());
      } else if (last) l[pos] = make();
      target = l[pos]!;
    }
  }
}
