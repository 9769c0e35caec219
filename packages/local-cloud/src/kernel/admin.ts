/**
 * The admin principal (access key `test`): it may do anything, and in-process calls
 * without a context run as it.
 */
import { ACCOUNT_ID, ADMIN_ACCESS_KEY_ID, type CallContext, type Principal } from "../types.js";

export const ADMIN_PRINCIPAL: Principal = Object.freeze({
  accessKeyId: ADMIN_ACCESS_KEY_ID,
  arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
  admin: true,
});

/** A full call context: the caller's fields where given, the admin's in `region` otherwise. */
export function callContext(region: string, ctx?: Partial<CallContext>): CallContext {
  return {
    region: ctx?.region ?? region,
    principal: ctx?.principal ?? ADMIN_PRINCIPAL,
    requestId: ctx?.requestId ?? globalThis.crypto.randomUUID(),
  };
}
