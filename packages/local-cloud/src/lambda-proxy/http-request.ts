/**
 * The parts of an execute-api request that both payload formats and the CORS and
 * authorizer logic read, pulled out of the raw AwsRequest once.
 */
import type { AwsRequest } from "../types.js";

export interface GatewayRequest {
  method: string;
  /** Raw path as the client sent it, stage prefix included (what rawPath reports). */
  rawPath: string;
  /** Raw path with the stage prefix removed: what routes are matched against. */
  routePath: string;
  rawQueryString: string;
  /** Lower-cased names; repeated headers joined with ",". */
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string;
  /** Host name without port (requestContext.domainName). */
  domainName: string;
  stage: string;
  requestId: string;
  /** Epoch millis the request arrived. */
  time: number;
}

/** The GatewayRequest of an execute-api request, once its stage is known. */
export function gatewayRequestOf(req: AwsRequest, at: { rawPath: string; routePath: string; stage: string; requestId: string; time: number }): GatewayRequest {
  return {
    method: req.method.toUpperCase(),
    rawPath: at.rawPath,
    routePath: at.routePath,
    rawQueryString: rawQueryOf(req),
    headers: req.headers,
    body: req.body,
    sourceIp: sourceIpOf(req.headers),
    domainName: domainNameOf(req.headers),
    stage: at.stage,
    requestId: at.requestId,
    time: at.time,
  };
}

/** The raw query string of a request: from its URL if the kernel kept it, else re-encoded from `query`. */
export function rawQueryOf(req: AwsRequest & { rawQuery?: string; url?: string }): string {
  if (typeof req.rawQuery === "string") return req.rawQuery.replace(/^\?/, "");
  if (typeof req.url === "string") {
    const i = req.url.indexOf("?");
    return i >= 0 ? req.url.slice(i + 1) : "";
  }
  return req.query.toString();
}

export function sourceIpOf(headers: Record<string, string>): string {
  const fwd = headers["x-forwarded-for"];
  return fwd ? fwd.split(",")[0].trim() : "127.0.0.1";
}

export function domainNameOf(headers: Record<string, string>): string {
  const host = headers["host"] ?? "localhost";
  return host.replace(/:\d+$/, "");
}

/** Decodes a query string into name → values, in order (repeated names keep every value). */
export function parseQueryString(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  for (const part of raw.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const name = safeDecode(eq >= 0 ? part.slice(0, eq) : part);
    const value = eq >= 0 ? safeDecode(part.slice(eq + 1)) : "";
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** Content types API Gateway passes to Lambda as text; everything else is base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(";")[0].trim().toLowerCase();
  return (
    type.startsWith("text/") ||
    type === "application/json" || type.endsWith("+json") ||
    type === "application/xml" || type.endsWith("+xml") ||
    type === "application/javascript" || type === "application/x-javascript" ||
    type === "application/graphql"
  );
}

let clfSecond = -1;
let clfText = "";

/** "12/Mar/2020:19:03:58 +0000", the requestContext.time format (formatted once a second). */
export function clfTime(epochMillis: number): string {
  const second = Math.floor(epochMillis / 1000);
  if (second === clfSecond) return clfText;
  clfSecond = second;
  clfText = formatClf(epochMillis);
  return clfText;
}

function formatClf(epochMillis: number): string {
  const d = new Date(epochMillis);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
