import { StackContext } from "sst/constructs";

export function ExampleStack({ stack }: StackContext) {
  // Add your first construct
}
