/**
 * Small helpers for the Console's JSON API: answers, AWS-shaped errors, request bodies,
 * and the guard that keeps other web pages from driving the Console as the admin.
 */
import type { AwsRequest, AwsResponse } from "local-cloud";

/** An error to show in the page: AWS's code and message, with AWS's status. */
export class ConsoleError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function json(status: number, value: unknown): AwsResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    body: JSON.stringify(value),
  };
}

/** Any thrown value as `{ error: { code, message } }`; AwsError keeps its code and status. */
export function errorResponse(err: unknown): AwsResponse {
  const e = err as { code?: string; name?: string; message?: string; status?: number };
  const code = e?.code ?? e?.name ?? "InternalFailure";
  const status = typeof e?.status === "number" && e.status >= 400 && e.status < 600 ? e.status : 500;
  if (status >= 500 && !(err instanceof ConsoleError)) console.error("[console]", err);
  return json(status, { error: { code, message: String(e?.message ?? err) } });
}

/** The request body as JSON, or a 400 the page can show. */
export function readJson(req: AwsRequest): any {
  const text = req.body.toString("utf8");
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConsoleError("SerializationException", `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

export function requireString(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") throw new ConsoleError("ValidationException", `${name} is required`);
  return value;
}

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/**
 * The Console acts as the admin, so only the Console page may call its API. A Host
 * check stops DNS rebinding; a custom header on every change cannot be sent cross-origin
 * without a CORS preflight, which the Console never approves, so a foreign page cannot
 * forge writes (plain forms can't set it). Reads need no header (EventSource and
 * download links can't send one): the same-origin policy already hides their answers.
 */
export function guard(req: AwsRequest): AwsResponse | undefined {
  if (!LOOPBACK_HOST.test(req.headers.host ?? "")) return json(403, { error: { code: "Forbidden", message: "The Console answers on loopback only" } });
  if (req.method === "OPTIONS") return { status: 403, body: "" };
  if (req.method !== "GET" && req.method !== "HEAD" && req.headers["x-sst-console"] !== "1")
    return json(403, { error: { code: "Forbidden", message: "Console API calls need the x-sst-console: 1 header" } });
  return undefined;
}
