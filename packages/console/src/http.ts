/**
 * Small helpers for the Console's JSON API: answers, AWS-shaped errors, request bodies.
 * (Who may call it at all is session.ts's business.)
 */
import type { AwsResponse } from "local-cloud";
import type { ConsoleRequest } from "./context.js";

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
export function readJson(req: ConsoleRequest): any {
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
