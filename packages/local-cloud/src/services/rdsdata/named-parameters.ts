/**
 * The Data API's SQL names its parameters `:name`; Postgres binds `$1, $2 …`. Rewrites
 * one into the other, leaving string literals, quoted identifiers, dollar-quoted bodies,
 * comments and `::` casts alone. A name used twice binds the same `$n`.
 */
export interface PositionalSql {
  text: string;
  /** The parameter name each `$n` binds, in order. */
  names: string[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

export function toPositional(sql: string): PositionalSql {
  const names: string[] = [];
  let out = "";
  let i = 0;
  const copyUntil = (end: number) => {
    out += sql.slice(i, end);
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      // Quoted text ends at the next unpaired quote ('' and "" escape one).
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(c, j);
        if (k < 0) { j = sql.length; break; }
        if (sql[k + 1] === c) { j = k + 2; continue; }
        j = k + 1;
        break;
      }
      copyUntil(j);
    } else if (c === "-" && next === "-") {
      const k = sql.indexOf("\n", i);
      copyUntil(k < 0 ? sql.length : k);
    } else if (c === "/" && next === "*") {
      const k = sql.indexOf("*/", i + 2);
      copyUntil(k < 0 ? sql.length : k + 2);
    } else if (c === "$" && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? "")) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (!tag) { copyUntil(i + 1); continue; }
      const k = sql.indexOf(tag[0], i + tag[0].length);
      copyUntil(k < 0 ? sql.length : k + tag[0].length);
    } else if (c === ":" && next === ":") {
      copyUntil(i + 2);
    } else if (c === ":" && next !== undefined && (NAME_START.test(next) || /[0-9]/.test(next)) && sql[i - 1] !== ":") {
      let j = i + 1;
      while (j < sql.length && NAME_PART.test(sql[j]!)) j++;
      const name = sql.slice(i + 1, j);
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      out += `$${index + 1}`;
      i = j;
    } else {
      copyUntil(i + 1);
    }
  }
  return { text: out, names };
}
