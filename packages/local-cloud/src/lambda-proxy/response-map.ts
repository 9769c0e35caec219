/**
 * Turns what a Lambda function returned into the HTTP response API Gateway sends,
 * following the documented rules of each payload format.
 */

export interface GatewayResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Each becomes its own Set-Cookie header. */
  setCookies: string[];
  body: Buffer;
}

export const jsonMessage = (status: number, message: string): GatewayResponse => ({
  status,
  headers: { "content-type": "application/json" },
  setCookies: [],
  body: Buffer.from(JSON.stringify({ message })),
});

export const internalError = () => jsonMessage(500, "Internal Server Error");

function isValidStatus(s: unknown): s is number {
  const n = typeof s === "string" && /^\d+$/.test(s) ? Number(s) : s;
  return typeof n === "number" && Number.isInteger(n) && n >= 100 && n <= 599;
}

function collectHeaders(out: GatewayResponse, single: unknown, multi: unknown): boolean {
  if (single != null && (typeof single !== "object" || Array.isArray(single))) return false;
  if (multi != null && (typeof multi !== "object" || Array.isArray(multi))) return false;
  for (const [name, value] of Object.entries((single ?? {}) as Record<string, unknown>)) {
    if (value == null) continue;
    const key = name.toLowerCase();
    if (key === "set-cookie") out.setCookies.push(String(value));
    else out.headers[key] = String(value);
  }
  for (const [name, values] of Object.entries((multi ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(values)) return false;
    const key = name.toLowerCase();
    if (key === "set-cookie") {
      for (const v of values) if (!out.setCookies.includes(String(v))) out.setCookies.push(String(v));
    } else if (values.length) out.headers[key] = values.map(String).join(",");
  }
  return true;
}

function bodyOf(body: unknown, base64: unknown): Buffer | undefined {
  if (body == null) return Buffer.alloc(0);
  // A number or boolean body is sent as its text (SST v2's rest-api-dynamodb example,
  // run on AWS, answers `body: count`); objects and arrays are malformed.
  if (typeof body === "number" || typeof body === "boolean") return Buffer.from(String(body), "utf8");
  if (typeof body !== "string") return undefined;
  return base64 === true ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
}

/** Payload format 2.0: a structured response needs statusCode; anything else is a 200 JSON body. */
export function mapResponseV2(payload: Buffer): GatewayResponse {
  let value: unknown;
  try {
    value = payload.length ? JSON.parse(payload.toString("utf8")) : null;
  } catch {
    return internalError();
  }
  if (value && typeof value === "object" && !Array.isArray(value) && "statusCode" in value) {
    const r = value as Record<string, unknown>;
    if (!isValidStatus(r.statusCode)) return internalError();
    const out: GatewayResponse = { status: Number(r.statusCode), headers: {}, setCookies: [], body: Buffer.alloc(0) };
    if (!collectHeaders(out, r.headers, r.multiValueHeaders)) return internalError();
    if (r.cookies != null) {
      if (!Array.isArray(r.cookies)) return internalError();
      out.setCookies.push(...r.cookies.map(String));
    }
    const body = bodyOf(r.body, r.isBase64Encoded);
    if (!body) return internalError();
    out.body = body;
    out.headers["content-type"] ??= "text/plain; charset=utf-8";
    return out;
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return { status: 200, headers: { "content-type": "application/json" }, setCookies: [], body: Buffer.from(text, "utf8") };
}

/**
 * Payload format 1.0: the response must be an object with a statusCode. `malformed` is
 * the answer when it is not (HTTP APIs: 500; REST APIs: 502 "Internal server error").
 */
export function mapResponseV1(payload: Buffer, malformed: () => GatewayResponse = internalError): GatewayResponse {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString("utf8"));
  } catch {
    return malformed();
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return malformed();
  const r = value as Record<string, unknown>;
  if (!isValidStatus(r.statusCode)) return malformed();
  const out: GatewayResponse = { status: Number(r.statusCode), headers: {}, setCookies: [], body: Buffer.alloc(0) };
  if (!collectHeaders(out, r.headers, r.multiValueHeaders)) return malformed();
  const body = bodyOf(r.body, r.isBase64Encoded);
  if (!body) return malformed();
  out.body = body;
  out.headers["content-type"] ??= "application/json";
  return out;
}
