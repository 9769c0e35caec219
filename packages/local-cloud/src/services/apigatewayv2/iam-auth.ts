/**
 * AWS_IAM authorization of a route: the request must carry a valid SigV4 signature
 * (checked with the kernel's verifier against the caller's secret), and the caller's
 * policies must allow execute-api:Invoke on the route's ARN.
 */
import { AwsError } from "../../server/aws-error.js";
import type { AwsRequest, Principal } from "../../types.js";
import { verifySignedCaller, type IamAuthCloud } from "../../auth/signed-request.js";
import { jsonMessage, type GatewayResponse } from "../../lambda-proxy/response-map.js";

export type { IamAuthCloud } from "../../auth/signed-request.js";

/** A refusal says why in REST API gateway response terms: ACCESS_DENIED, INVALID_SIGNATURE, … */
export type IamAuthResult = { ok: true; authorizer: Record<string, unknown> } | { ok: false; response: GatewayResponse; responseType: string };

/** The gateway response type of a signature the verifier refused. */
const SIGNATURE_PROBLEMS: Record<string, string> = { mismatch: "INVALID_SIGNATURE", invalid: "INVALID_SIGNATURE", malformed: "INVALID_SIGNATURE" };

const forbidden = (message: string, responseType: string): IamAuthResult => ({ ok: false, response: jsonMessage(403, message), responseType });

/**
 * `action` is execute-api:Invoke for routes, execute-api:ManageConnections for a WebSocket
 * API's @connections. `resourceAllows` is the API's resource policy, which may allow a
 * caller of the same account that its own policies do not (REST APIs).
 */
export function authorizeIam(req: AwsRequest, cloud: IamAuthCloud, routeArn: string, action = "execute-api:Invoke", resourceAllows?: (principal: Principal) => boolean): IamAuthResult {
  const caller = verifySignedCaller(req, cloud);
  if (!caller.ok) return forbidden(caller.message, /expired/i.test(caller.message) ? "EXPIRED_TOKEN" : SIGNATURE_PROBLEMS[caller.problem] ?? "DEFAULT_4XX");
  try {
    cloud.authorize({ principal: caller.principal, region: caller.region, requestId: "" }, action, routeArn, (m) => new AwsError("AccessDeniedException", m, 403));
  } catch (err) {
    if (err instanceof AwsError && resourceAllows?.(caller.principal)) return authorized(caller.principal, caller.accessKeyId);
    if (err instanceof AwsError) {
      return { ok: false, responseType: "ACCESS_DENIED", response: { status: 403, headers: { "content-type": "application/json" }, setCookies: [], body: Buffer.from(JSON.stringify({ Message: err.message })) } };
    }
    throw err;
  }
  return authorized(caller.principal, caller.accessKeyId);
}

function authorized(p: Principal, accessKeyId: string): IamAuthResult {
  return {
    ok: true,
    authorizer: {
      iam: {
        accessKey: accessKeyId, accountId: "000000000000", callerId: p.arn.split("/").slice(-2).join(":"),
        cognitoIdentity: p.webIdentity ? { amr: p.webIdentity.amr, identityId: p.webIdentity.identityId, identityPoolId: p.webIdentity.identityPoolId } : null, principalOrgId: null, userArn: p.arn, userId: p.arn.split("/").slice(-2).join(":"),
      },
    },
  };
}
