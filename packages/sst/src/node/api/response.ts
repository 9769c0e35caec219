/**
 * `useResponse()`: status, headers and cookies a handler sets while it runs, merged
 * into whatever it returns (or throws as a `Response`). One builder per request.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { memo } from "../../context/context.js";
import { useEvent } from "../../context/handler.js";

export interface CookieOptions {
  expires?: Date;
  maxAge?: number;
  domain?: string;
  path?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "Strict" | "Lax" | "None";
}

export interface CookieInput extends CookieOptions {
  key: string;
  value: string;
}

/** `key=value; Domain=…; Path=…; …`; Secure, HttpOnly and SameSite=None unless overridden (SST v2's defaults). */
export function serializeCookie(input: CookieInput): string {
  const c: CookieInput = { secure: true, sameSite: "None", httpOnly: true, ...input };
  const parts = [`${c.key}=${encodeURIComponent(c.value)}`];
  if (c.domain) parts.push(`Domain=${c.domain}`);
  if (c.path) parts.push(`Path=${c.path}`);
  if (c.expires) parts.push(`Expires=${c.expires.toUTCString()}`);
  if (c.maxAge) parts.push(`Max-Age=${c.maxAge}`);
  if (c.httpOnly) parts.push("HttpOnly");
  if (c.secure) parts.push("Secure");
  if (c.sameSite) parts.push(`SameSite=${c.sameSite}`);
  return parts.join("; ");
}

export interface ResponseBuilder {
  status(code: number): ResponseBuilder;
  header(key: string, value: string): ResponseBuilder;
  cookie(input: CookieInput): ResponseBuilder;
  cookies(values: Record<string, string>, options: CookieOptions): ResponseBuilder;
  /** The handler's result with what was set here underneath it (the result wins; cookies add up). */
  serialize(input: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2;
}

export const useResponse = /* @__PURE__ */ memo((): ResponseBuilder => {
  useEvent("api");
  const pending: APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; cookies: string[] } = { headers: {}, cookies: [] };
  const builder: ResponseBuilder = {
    status(code) {
      pending.statusCode = code;
      return builder;
    },
    header(key, value) {
      pending.headers[key] = value;
      return builder;
    },
    cookie(input) {
      pending.cookies.push(serializeCookie(input));
      return builder;
    },
    cookies(values, options) {
      for (const [key, value] of Object.entries(values)) builder.cookie({ key, value, ...options });
      return builder;
    },
    serialize(input) {
      return {
        ...pending,
        ...input,
        cookies: [...(input.cookies ?? []), ...pending.cookies],
        headers: { ...pending.headers, ...(input.headers as Record<string, string> | undefined) },
      };
    },
  };
  return builder;
});
