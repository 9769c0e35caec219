/**
 * Waiting for Ctrl-C / SIGTERM in long-running commands. A second signal while
 * shutting down exits at once, so a stuck stop never traps the user.
 */
export function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/** Parses a --port value: an integer 0–65535. */
export function parsePort(value: unknown, flag = "--port"): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || n > 65535) throw new Error(`Invalid ${flag} "${value}": expected a port number (0-65535)`);
  return n;
}
