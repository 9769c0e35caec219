/**
 * Whether a prop holds a CDK construct (an existing resource to import) rather than
 * props for a new one. Like SST v2 this reads the jsii type name, so a construct made
 * by another copy of aws-cdk-lib is recognised too.
 */
import { Construct } from "constructs";

export function isCdkConstruct(x: unknown): boolean {
  if (!x || typeof x !== "object") return false;
  if (x instanceof Construct) return true;
  const fqn = (x as any).constructor?.[Symbol.for("jsii.rtti")]?.fqn;
  return typeof fqn === "string" && (fqn.startsWith("aws-cdk-lib") || fqn.startsWith("@aws-cdk/"));
}
