/**
 * A toolkit failure as the CLI reports it: which operation, the toolkit's own message
 * (it names the stack, the logical id and CloudFormation's reason), and the failed
 * resources the IoHost saw, when the message does not already list them.
 */
import { CliError } from "../../cli/command.js";

export function toolkitError(operation: string, err: unknown, failures: string, rollbacks?: Map<string, string>): CliError {
  const e = err as Error & { cause?: any };
  // The toolkit decorates some messages with an emoji even when told not to.
  let message = (e?.message ?? String(err)).replace(/^\s*❌\s*/u, "").trim();
  // Asset publishing wraps the S3 errors in an AggregateError cause.
  const causes: unknown[] = e?.cause?.errors ?? (e?.cause ? [e.cause] : []);
  // A cause whose message is a bare code ("UnknownError") adds nothing to read.
  const extra = causes.map((c) => (c as Error)?.message).filter((m): m is string => Boolean(m) && !/^\w+$/.test(m!) && !message.includes(m!));
  if (extra.length) message += `\n${[...new Set(extra)].join("\n")}`;
  if (failures && !failures.split("\n").every((l) => message.includes(l.split(": ").pop()!))) message += `\n${failures}`;
  // How each failed stack ended up: rolled back cleanly, or stuck (ROLLBACK_FAILED needs a hand).
  for (const [stack, status] of rollbacks ?? []) message += `\nRollback of ${stack}: ${status}${status.endsWith("FAILED") ? " (fix the resource in the AWS console, then run the command again)" : " (the stack is back to its previous state)"}`;
  // The toolkit's advice names the CDK CLI; here the command is `sst bootstrap`.
  message = message.replace(/\bcdk bootstrap\b/g, "sst bootstrap");
  const wrapped = new CliError(`${operation} failed: ${message}`);
  (wrapped as Error).cause = err;
  return wrapped;
}
