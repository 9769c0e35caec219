/**
 * One-time codes (sent by e-mail or SMS): `…/authorize?email=…` makes a numeric code,
 * keeps it with the query's claims in a sealed cookie, and hands it to onCodeRequest;
 * `…/callback?code=…` compares and calls onSuccess with the claims. The same API shape
 * as SST v2's LinkAdapter; SST v2 shipped it only in its future auth.
 */
import { randomInt, timingSafeEqual } from "node:crypto";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { useQueryParam, useQueryParams } from "../../api/index.js";
import { clearedCookie, FLOW_COOKIE_SECONDS, flowCookie } from "../cookies.js";
import { badRequest } from "../errors.js";
import { getPrivateKey } from "../keys.js";
import { open, seal } from "../sealed.js";
import { createAdapter } from "./adapter.js";
import { useFlowCookie, useFlowRequest } from "./flow.js";
import { useStep } from "./step.js";

export interface CodeConfig {
  /** Digits in a code (default 6). */
  length?: number;
  /** Deliver `code` to the user; answers the authorize request (e.g. a form to type it in). */
  onCodeRequest: (code: string, claims: Record<string, any>) => Promise<APIGatewayProxyStructuredResultV2>;
  /** Answers a wrong or expired code. */
  onCodeInvalid: (code: string, claims: Record<string, any>) => Promise<APIGatewayProxyStructuredResultV2>;
  /** Called with the claims once the right code comes back; answers with the session. */
  onSuccess: (claims: Record<string, any>) => Promise<APIGatewayProxyStructuredResultV2>;
}

const COOKIE = "auth-code";
const PURPOSE = "sst-auth-code";

interface Pending { code: string; claims: Record<string, any>; expires: number }

export const CodeAdapter = /* @__PURE__ */ createAdapter((config: CodeConfig) => {
  const length = config.length ?? 6;
  if (!Number.isInteger(length) || length < 4 || length > 12) throw new Error(`CodeAdapter: "length" must be a whole number from 4 to 12, got ${config.length}`);

  return async function () {
    const step = useStep();
    const { cookiePath } = useFlowRequest();
    if (step === "authorize") {
      const code = Array.from({ length }, () => randomInt(10)).join("");
      const claims = { ...useQueryParams() } as Record<string, any>;
      const pending: Pending = { code, claims, expires: Date.now() + FLOW_COOKIE_SECONDS * 1000 };
      const result = await config.onCodeRequest(code, claims);
      return { ...result, cookies: [...(result.cookies ?? []), flowCookie(COOKIE, seal(getPrivateKey(), PURPOSE, pending), cookiePath)] };
    }

    const submitted = useQueryParam("code");
    if (!submitted) throw badRequest('The callback expects the code in its "code" parameter');
    const pending = open<Pending>(getPrivateKey(), PURPOSE, useFlowCookie(COOKIE));
    if (!pending || pending.expires < Date.now() || !sameCode(pending.code, submitted)) {
      return config.onCodeInvalid(submitted, pending?.claims ?? {});
    }
    const result = await config.onSuccess(pending.claims);
    return { ...result, cookies: [...(result.cookies ?? []), clearedCookie(COOKIE, cookiePath)] };
  };
});

function sameCode(expected: string, submitted: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
