/**
 * Unknown props fail synth. SST v2 passes whatever it is given on to CDK, where a
 * misspelt prop ("memmorySize") is silently ignored; here it names the construct, the
 * prop, the file, and the closest known prop.
 */
import { propError, type ConstructRef } from "./construct-error.js";

/** Throws for the first key of `props` that is not in `known`. */
export function checkKnownProps(c: ConstructRef, props: object | undefined, known: ReadonlySet<string>, where = ""): void {
  if (!props || typeof props !== "object") return;
  for (const key of Object.keys(props)) {
    if (known.has(key)) continue;
    // `undefined` values are how spreads of optional props look; they set nothing.
    if ((props as Record<string, unknown>)[key] === undefined) continue;
    const near = closest(key, known);
    throw propError(c, `${where}${key}`, `is not a prop of ${c.kind}${near ? `. Did you mean "${where}${near}"?` : ""}`);
  }
}

/** The known name nearest to `name` (edit distance ≤ a third of its length), if any. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of Array.from(known)) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
