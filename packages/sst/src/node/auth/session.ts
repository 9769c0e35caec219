/**
 * Sessions as SST v2 has them: a JWT `{ type, properties }` signed with the Auth
 * construct's private key, handed to the app as a cookie (`auth-token`) or a `token`
 * query parameter on a redirect, and read back by `useSession()` from the cookie or an
 * `Authorization: Bearer` header (in a WebSocket handler, from the first
 * `Sec-WebSocket-Protocol` value, which browsers can set).
 *
 * Apps declare their session types by augmenting `SessionTypes`:
 *
 *   declare module "sst/node/auth" {
 *     export interface SessionTypes { user: { userID: string } }
 *   }
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { memo } from "../../context/context.js";
import { useContextType } from "../../context/handler.js";
import { useCookie, useHeader } from "../api/index.js";
import { getPrivateKey, getPublicKey } from "./keys.js";
import { signToken, verifyToken, type TokenOptions } from "./tokens.js";

export interface SessionTypes {
  public: {};
}

export type SessionValue = {
  [type in keyof SessionTypes]: {
    type: type;
    properties: SessionTypes[type];
  };
}[keyof SessionTypes];

/** The cookie `Session.cookie` sets and `useSession` reads. */
export const SESSION_COOKIE = "auth-token";

/** `Session.cookie`'s lifetime when `options.expiresIn` is not given (ms). */
const DEFAULT_COOKIE_MS = 7 * 24 * 60 * 60 * 1000;

const PUBLIC = { type: "public", properties: {} } as const;

type SessionInput<T extends keyof SessionTypes> = {
  type: T;
  properties: SessionTypes[T];
  options?: TokenOptions;
};

/** A signed session token. */
function create<T extends keyof SessionTypes>(input: SessionInput<T>): string {
  return signToken(getPrivateKey(), { type: input.type, properties: input.properties }, input.options);
}

/**
 * The session a token carries, or the public session when the token is missing,
 * forged, expired or not a session token (as SST v2 answers). Why a token was refused
 * goes to the function's log.
 */
function verify<T = SessionValue>(token: string): T {
  if (!token) return PUBLIC as T;
  const result = verifyToken(getPublicKey(), token);
  if (!result.ok) {
    console.warn(`sst/node/auth: session token refused, using the public session: ${result.reason}`);
    return PUBLIC as T;
  }
  const { payload } = result;
  if (typeof payload.type !== "string" || typeof payload.properties !== "object" || payload.properties === null) {
    console.warn("sst/node/auth: the token is signed by this app but is not a session token, using the public session");
    return PUBLIC as T;
  }
  return payload as T;
}

/** A 302 to `redirect` that sets the session cookie. */
function cookie<T extends keyof SessionTypes>(input: SessionInput<T> & { redirect: string }): APIGatewayProxyStructuredResultV2 {
  const token = create(input);
  const lifetime = typeof input.options?.expiresIn === "number" ? input.options.expiresIn : DEFAULT_COOKIE_MS;
  const expires = new Date(Date.now() + lifetime).toUTCString();
  return {
    statusCode: 302,
    headers: { location: input.redirect },
    cookies: [`${SESSION_COOKIE}=${token}; HttpOnly; SameSite=None; Secure; Path=/; Expires=${expires}`],
  };
}

/** A 302 to `redirect` with the session token in its `token` query parameter. */
function parameter<T extends keyof SessionTypes>(input: SessionInput<T> & { redirect: string }): APIGatewayProxyStructuredResultV2 {
  const token = create(input);
  return { statusCode: 302, headers: { location: withToken(input.redirect, token) } };
}

/** SST v2 appends `?token=`; a redirect that already has a query gets `&token=` instead. */
function withToken(redirect: string, token: string): string {
  const hash = redirect.indexOf("#");
  const [base, fragment] = hash >= 0 ? [redirect.slice(0, hash), redirect.slice(hash)] : [redirect, ""];
  return `${base}${base.includes("?") ? "&" : "?"}token=${token}${fragment}`;
}

export const Session = { create, verify, cookie, parameter };

/** Verified once per request (a memo of the request context): `useSession()` may be called many times. */
const requestSession = /* @__PURE__ */ memo(() => Session.verify(requestToken()));

/**
 * The session of the request being handled (inside an `ApiHandler`, `AuthHandler` or
 * `WebSocketApiHandler`): from the `auth-token` cookie, else an `Authorization: Bearer`
 * header; the public session when there is neither or the token is not valid.
 */
export function useSession<T = SessionValue>(): T {
  return requestSession() as T;
}

function requestToken(): string {
  const type = useContextType();
  if (type === "api") {
    const cookieToken = useCookie(SESSION_COOKIE);
    if (cookieToken) return cookieToken;
  }
  if (type === "ws") {
    const protocol = useHeader("sec-websocket-protocol");
    if (protocol) return protocol.split(",")[0].trim();
  }
  const header = useHeader("authorization");
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match ? match[1].trim() : "";
}
