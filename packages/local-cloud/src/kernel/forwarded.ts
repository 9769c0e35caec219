/**
 * The kernel's own members, forwarded: the base of the adapters that present the kernel
 * in the shape older code addresses (the CloudFormation engine's CloudLike, the Lambda
 * runtime's LambdaCloud). Region, account and endpoint are read when asked, since the
 * endpoint is known only once the server listens. Adapters add their members with
 * Object.assign, which keeps these accessors.
 */
import type { Kernel } from "./kernel.js";

/** The members forwardedKernel gives; an adapter supplies the rest of its shape. */
export type ForwardedMembers = "region" | "accountId" | "endpoint" | "events" | "openDatabase" | "dataDir";

export function forwardedKernel(kernel: Kernel) {
  return {
    get region() {
      return kernel.region;
    },
    get accountId() {
      return kernel.accountId;
    },
    get endpoint() {
      return kernel.endpoint;
    },
    events: kernel.events,
    openDatabase: (name: string) => kernel.openDatabase(name),
    dataDir: (name: string) => kernel.dataDir(name),
  };
}
