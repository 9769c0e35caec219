/**
 * SST v2 accepts durations as a number of seconds or as "30 seconds", "5 minutes" …
 * and sizes as a number of MB or "512 MB" / "1 GB". These turn them into CDK values.
 */
import { Duration } from "aws-cdk-lib";

export type DurationUnit =
  | "second" | "seconds" | "minute" | "minutes" | "hour" | "hours" | "day" | "days";
export type SSTDuration = number | `${number} ${DurationUnit}` | Duration;

export function toCdkDuration(value: SSTDuration, what = "duration"): Duration {
  if (value instanceof Duration) return value;
  if (typeof value === "number") return Duration.seconds(value);
  if (typeof value === "object" && value && typeof (value as any).toSeconds === "function") return value as Duration;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(second|seconds|minute|minutes|hour|hours|day|days)\s*$/.exec(String(value));
  if (!m) throw new Error(`Invalid ${what} "${value}". Use a number of seconds or a string like "30 seconds", "5 minutes", "1 hour", "2 days".`);
  const n = Number(m[1]);
  switch (m[2]) {
    case "second": case "seconds": return Duration.seconds(n);
    case "minute": case "minutes": return Duration.minutes(n);
    case "hour": case "hours": return Duration.hours(n);
    default: return Duration.days(n);
  }
}

export type SSTSize = number | `${number} ${"MB" | "GB"}`;

/** Size in MB. */
export function toMB(value: SSTSize, what = "size"): number {
  if (typeof value === "number") return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(MB|GB)\s*$/i.exec(String(value));
  if (!m) throw new Error(`Invalid ${what} "${value}". Use a number of MB or a string like "512 MB" or "1 GB".`);
  const n = Number(m[1]);
  return m[2].toUpperCase() === "GB" ? Math.round(n * 1024) : n;
}
