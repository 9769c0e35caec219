/**
 * CloudWatch Logs' operations: the IAM action and resource of each (the log group, or a
 * stream in it) and its implementation. Input shapes and constraints come from the
 * generated model (wire/models/logs.ts).
 */
import type logsModel from "../../wire/models/logs.js";
import type { OperationSpecs } from "../../wire/operations.js";
import type { CallContext } from "../../types.js";
import type { LogsOperations } from "./operations.js";

export function logsOperations(ops: LogsOperations): OperationSpecs<typeof logsModel, CallContext> {
  const declared = {} as Record<string, OperationSpecs<typeof logsModel, CallContext>[keyof OperationSpecs<typeof logsModel, CallContext>]>;
  for (const [name, run] of Object.entries(ops.operations)) {
    declared[name] = { iam: (input: object) => ({ action: `logs:${name}`, resource: ops.resourceFor(name, input) }), run: (input: object) => run(input) };
  }
  return declared as OperationSpecs<typeof logsModel, CallContext>;
}
