/**
 * Errors of a sign-in flow and the HTTP answers they get. A request that cannot be
 * authenticated (bad state, a forged or expired token, the provider refusing the
 * code) is the client's problem: 400 or 401 with the reason, never a 500. Only a
 * misconfigured authenticator, or a provider that cannot be reached, is the server's.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { errors as oidcErrors } from "openid-client";

export class AuthError extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 404 | 500 | 502,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

/** A request missing something the step needs (400). */
export const badRequest = (message: string) => new AuthError(400, "invalid_request", message);
/** The sign-in could not be verified (401). */
export const unauthorized = (message: string) => new AuthError(401, "unauthorized", message);
/** The authenticator's own configuration is wrong (500, with the fix in the message). */
export const misconfigured = (message: string) => new AuthError(500, "server_error", message);

/**
 * openid-client's errors, mapped: the provider's own error answers (OPError: denied
 * consent, an invalid or replayed code, a PKCE verifier that does not match) and the
 * checks this side makes (RPError: state, nonce, issuer, audience, signature, expiry)
 * are 401s; failing to reach the provider is a 502.
 */
export function toAuthError(e: unknown): AuthError | undefined {
  if (e instanceof AuthError) return e;
  // By name: openid-client is loaded lazily (adapter/issuer.ts), so not imported here.
  if (isError<oidcErrors.OPError>(e, "OPError")) {
    const detail = e.error_description ? `${e.error}: ${e.error_description}` : e.error ?? e.message;
    return new AuthError(401, e.error ?? "provider_error", `The identity provider refused the sign-in (${detail})`);
  }
  if (isError<oidcErrors.RPError>(e, "RPError")) return unauthorized(`The sign-in response failed verification: ${e.message}`);
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "ETIMEDOUT"].includes(code)) {
    return new AuthError(502, "provider_unreachable", `The identity provider could not be reached (${code}: ${(e as Error).message})`);
  }
  if ((e as Error | undefined)?.name === "TimeoutError") {
    return new AuthError(502, "provider_unreachable", `The identity provider did not answer in time (${(e as Error).message})`);
  }
  return undefined;
}

function isError<T extends Error>(e: unknown, name: string): e is T {
  return e instanceof Error && e.name === name;
}

export function errorResponse(e: AuthError): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: e.statusCode,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ error: e.code, message: e.message }),
  };
}
