/** A unique AWS resource name from a prefix: lower-cased, cut to fit, and a random suffix. */
export function uniqueName(prefix: string, maxLength: number): string {
  const suffix = Array.from({ length: 12 }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(Math.random() * 36)]).join("");
  return `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, maxLength - suffix.length - 1)}-${suffix}`;
}

/** Whether an AWS SDK error says the thing is not there. */
export function isNotFound(e: unknown): boolean {
  const name = (e as { name?: string })?.name ?? "";
  return name === "NoSuchBucket" || name === "ResourceNotFoundException" || name === "NotFound";
}
