/**
 * Local-only, in-process Lambda operation (no route reaches it): a synchronous Invoke
 * by one of the local cloud's own data planes (API Gateway's integrations and
 * authorizers, AppSync's resolvers) of an event it serialized itself. Input
 * `{ FunctionName, Payload }` (Payload: JSON text), output Invoke's
 * `{ StatusCode, Payload, FunctionError?, ExecutedVersion }`.
 *
 * It is Invoke without the wire-level work an external caller's request needs and
 * this one cannot fail: the model's shape and pattern validation, the enum checks,
 * parsing the payload again to see that it is JSON, the call context's request id.
 * What Lambda itself decides stays the same and in the same order: the function (or
 * ResourceNotFoundException), reserved concurrency 0, the payload limit, the
 * concurrency limits and their TooManyRequestsException, the response limit. These
 * callers run as the local cloud (as every in-process call without a principal does),
 * so no IAM check is skipped.
 */
export const INVOKE_TRUSTED_JSON = "InvokeTrustedJson";

export interface TrustedInvokeInput {
  FunctionName: string;
  Payload: string;
}
