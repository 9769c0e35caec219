/**
 * Schedule expressions of scheduled rules: `rate(value unit)` and the six-field
 * `cron(minutes hours day-of-month month day-of-week year)`, in UTC, as EventBridge
 * documents them (one of day-of-month / day-of-week must be "?"; day-of-week 1-7 is
 * SUN-SAT; L, and N#K in day-of-week; W is not supported and refused).
 */
import { validation } from "./errors.js";

export type Schedule =
  | { kind: "rate"; periodMs: number }
  | { kind: "cron"; next(after: Date): Date | undefined };

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const invalid = () => validation("Parameter ScheduleExpression is not valid.");

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    // AWS wants the singular for 1 and the plural otherwise.
    if (value <= 0 || (value === 1) !== !unit.endsWith("s")) throw invalid();
    return { kind: "rate", periodMs: value * UNIT_MS[unit.replace(/s$/, "")]! };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) throw invalid();
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) throw invalid();
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === "?") === (dow === "?")) throw invalid(); // exactly one of them is "?"
  const minutes = parseField(min, 0, 59);
  const hours = parseField(hour, 0, 23);
  const months = parseField(month, 1, 12, MONTHS, 1);
  const years = parseField(year, 1970, 2199);
  const dayOfMonth = dom === "?" ? undefined : parseDayOfMonth(dom);
  const dayOfWeek = dow === "?" ? undefined : parseDayOfWeek(dow);
  const dayMatches = (d: Date) => (dayOfMonth ? dayOfMonth(d) : dayOfWeek!(d));
  return {
    kind: "cron",
    next(after: Date): Date | undefined {
      const t = new Date(after.getTime());
      t.setUTCSeconds(0, 0);
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      // Walk forward, skipping whole years/months/days/hours that cannot match.
      for (let guard = 0; guard < 100_000; guard++) {
        if (t.getUTCFullYear() > 2199) return undefined;
        if (!years.has(t.getUTCFullYear())) {
          t.setUTCFullYear(t.getUTCFullYear() + 1, 0, 1);
          t.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!months.has(t.getUTCMonth() + 1)) {
          t.setUTCMonth(t.getUTCMonth() + 1, 1);
          t.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!dayMatches(t)) {
          t.setUTCDate(t.getUTCDate() + 1);
          t.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!hours.has(t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
          continue;
        }
        if (!minutes.has(t.getUTCMinutes())) {
          t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
          continue;
        }
        return t;
      }
      return undefined;
    },
  };
}

/** "*", "5", "1-5", "0/15", "*\/10", "MON-FRI", lists of these. */
function parseField(text: string, lo: number, hi: number, names?: string[], nameBase = 0): Set<number> {
  const out = new Set<number>();
  const value = (s: string) => {
    const byName = names?.indexOf(s.toUpperCase()) ?? -1;
    const n = byName >= 0 ? byName + nameBase : /^\d+$/.test(s) ? Number(s) : NaN;
    if (!(n >= lo && n <= hi)) throw invalid();
    return n;
  };
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw invalid();
    let from: number, to: number;
    if (range === "*") [from, to] = [lo, hi];
    else if (range!.includes("-")) {
      const [a, b] = range!.split("-");
      [from, to] = [value(a!), value(b!)];
    } else {
      from = value(range!);
      to = stepText === undefined ? from : hi;
    }
    if (from > to) throw invalid();
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

function daysInMonth(d: Date): number {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

function parseDayOfMonth(text: string): (d: Date) => boolean {
  if (text === "L") return (d) => d.getUTCDate() === daysInMonth(d);
  if (/W/.test(text)) throw invalid();
  const days = parseField(text, 1, 31);
  return (d) => days.has(d.getUTCDate());
}

function parseDayOfWeek(text: string): (d: Date) => boolean {
  const dow = (d: Date) => d.getUTCDay() + 1; // 1 = SUN … 7 = SAT
  const nth = /^([A-Za-z]{3}|[1-7])#([1-5])$/.exec(text);
  if (nth) {
    const day = parseField(nth[1]!, 1, 7, DAYS, 1).values().next().value!;
    const k = Number(nth[2]);
    return (d) => dow(d) === day && Math.ceil(d.getUTCDate() / 7) === k;
  }
  const last = /^([A-Za-z]{3}|[1-7])?L$/.exec(text);
  if (last) {
    if (!last[1]) return (d) => dow(d) === 7;
    const day = parseField(last[1], 1, 7, DAYS, 1).values().next().value!;
    return (d) => dow(d) === day && d.getUTCDate() + 7 > daysInMonth(d);
  }
  const days = parseField(text, 1, 7, DAYS, 1);
  return (d) => days.has(dow(d));
}
