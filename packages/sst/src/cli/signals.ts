/**
 * Waiting for Ctrl-C / SIGTERM in long-running commands. A second signal while
 * shutting down exits at once, so a stuck stop never traps the user.
 */
import { UsageError } from "./command.js";

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

/** Parses a command's --port value: an integer 0–65535, else a usage error of that command. */
export function parsePort(value: unknown, command: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || n > 65535) {
    throw new UsageError(`Invalid --port "${value}": expected a port number (0-65535)`, command);
  }
  return n;
}
