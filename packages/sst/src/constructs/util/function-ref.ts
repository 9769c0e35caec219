/** How SST v2's metadata points at a function (an SST or a CDK one): its construct address and stack. */
import * as cdk from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";

export function functionRef(fn: unknown): { node: string; stack: string } | undefined {
  if (!(fn instanceof lambda.Function)) return undefined;
  return { node: fn.node.addr, stack: cdk.Stack.of(fn).stackName };
}
