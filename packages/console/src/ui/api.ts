/// <reference lib="dom" />
/** Calls to the Console's JSON API. Errors carry AWS's code and message for the page to show. */

export const BASE = document.getElementById("root")?.dataset.base ?? "/_console/";

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function api<T = any>(method: string, path: string, body?: unknown, raw?: { body: Blob | ArrayBuffer; type: string }): Promise<T> {
  const headers: Record<string, string> = { "x-sst-console": "1" };
  let payload: BodyInit | undefined;
  if (raw) {
    payload = raw.body;
    headers["content-type"] = raw.type || "application/octet-stream";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["content-type"] = "application/json";
  }
  let res: Response;
  try {
    res = await fetch(BASE + "api/" + path, { method, headers, body: payload });
  } catch (err) {
    throw new ApiError("NetworkError", "The dev server is not answering. Is `sst dev` still running?", 0);
  }
  const text = await res.text();
  let data: any;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError("BadResponse", text.slice(0, 300), res.status);
  }
  if (!res.ok) throw new ApiError(data?.error?.code ?? "Error", data?.error?.message ?? res.statusText, res.status);
  return data as T;
}

/** `path?k=v&…` with every value encoded. */
export function q(path: string, params: Record<string, string | number | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) s.set(k, String(v));
  const str = s.toString();
  return str ? `${path}?${str}` : path;
}
