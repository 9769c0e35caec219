/**
 * How the data plane reaches Lambda: `cloud.lambda.invoke`, synchronous, with the
 * integration's timeout on top of the function's own. An IntegrationUri may be a
 * function ARN or the REST-style "arn:aws:apigateway:{region}:lambda:path/2015-03-31/
 * functions/{arn}/invocations" form; both name the same function.
 */

import { INVOKE_TRUSTED_JSON, type TrustedInvokeInput } from "../kernel/trusted-json.js";

export interface LambdaInvoker {
  invoke(
    functionName: string,
    payload: string | Buffer,
    opts?: { invocationType?: "RequestResponse" | "Event" | "DryRun"; logType?: "None" | "Tail"; trustedJson?: boolean },
  ): Promise<{ statusCode?: number; payload?: Buffer | string | Uint8Array; functionError?: string }>;
}

interface LambdaClient {
  call(operation: "Invoke", input: { FunctionName: string; Payload: string | Buffer; InvocationType?: any }): Promise<any>;
  call(operation: typeof INVOKE_TRUSTED_JSON, input: TrustedInvokeInput): Promise<any>;
}

/**
 * A LambdaInvoker over the kernel's Lambda client: Lambda's public Invoke operation, or
 * — for a synchronous invocation of JSON the caller serialized itself — its local-only
 * InvokeTrustedJson, which skips what only a request from outside needs checking.
 */
export function invokerOf(client: LambdaClient): LambdaInvoker {
  return {
    async invoke(functionName, payload, opts) {
      const type = opts?.invocationType ?? "RequestResponse";
      const out =
        opts?.trustedJson === true && type === "RequestResponse" && typeof payload === "string"
          ? await client.call(INVOKE_TRUSTED_JSON, { FunctionName: functionName, Payload: payload })
          : await client.call("Invoke", { FunctionName: functionName, Payload: payload, InvocationType: type });
      return { statusCode: out.StatusCode, payload: out.Payload, functionError: out.FunctionError };
    },
  };
}

export type InvokeOutcome =
  | { kind: "ok"; payload: Buffer }
  | { kind: "function-error"; payload: Buffer }
  | { kind: "timeout" }
  /** Lambda refused the invocation: a concurrency limit (TooManyRequestsException). */
  | { kind: "throttled" }
  | { kind: "failed"; error: unknown };

/** Function names of integration URIs without stage variables (the common case): an API's few URIs, read on every request. */
const functionOfUri = new Map<string, string>();
const MAX_CACHED_URIS = 1000;

export function functionFromIntegrationUri(uri: string, stageVariables: Record<string, string> = {}): string {
  const fixed = !uri.includes("${");
  if (fixed) {
    const known = functionOfUri.get(uri);
    if (known !== undefined) return known;
  }
  const resolved = fixed ? uri : uri.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_, name) => stageVariables[name] ?? "");
  const m = /^arn:aws:apigateway:[^:]*:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(resolved);
  const name = m ? m[1]! : resolved;
  if (fixed) {
    if (functionOfUri.size >= MAX_CACHED_URIS) functionOfUri.clear();
    functionOfUri.set(uri, name);
  }
  return name;
}

export function invokeWithTimeout(lambda: LambdaInvoker | undefined, functionName: string, event: unknown, timeoutMs: number): Promise<InvokeOutcome> {
  if (!lambda) return Promise.resolve({ kind: "failed", error: new Error("the local cloud has no Lambda service") });
  return new Promise<InvokeOutcome>((resolve) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      resolve({ kind: "timeout" });
    }, timeoutMs);
    lambda.invoke(functionName, JSON.stringify(event), { invocationType: "RequestResponse", logType: "None", trustedJson: true }).then(
      (r) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const payload = r.payload === undefined ? Buffer.alloc(0) : Buffer.isBuffer(r.payload) ? r.payload : Buffer.from(r.payload as Uint8Array);
        // A function that ran out of its own time is a function error (API Gateway answers
        // 500); only the integration's own timeout is a 503.
        resolve(r.functionError ? { kind: "function-error", payload } : { kind: "ok", payload });
      },
      (error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve((error as { code?: string })?.code === "TooManyRequestsException" ? { kind: "throttled" } : { kind: "failed", error });
      },
    );
  });
}
