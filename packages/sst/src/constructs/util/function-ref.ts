/** How SST v2's metadata points at a Function: its construct address and stack. */
import * as cdk from "aws-cdk-lib";

export function functionRef(fn: unknown): { node: string; stack: string } | undefined {
  if (!fn || (fn as any)[Symbol.for("sst.Function")] !== true) return undefined;
  const f = fn as cdk.Resource;
  return { node: f.node.addr, stack: cdk.Stack.of(f).stackName };
}
