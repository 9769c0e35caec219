/**
 * AWS_IAM authorization of a route: the request must carry a valid SigV4 signature
 * (checked with the kernel's verifier against the caller's secret), and the caller's
 * policies must allow execute-api:Invoke on the route's ARN.
 */
import { AwsError } from "../../server/aws-error.js";
import { readSignature, verifySignature } from "../../server/sigv4.js";
import type { AwsRequest, CallContext, Principal } from "../../types.js";
import { jsonMessage, type GatewayResponse } from "../../lambda-proxy/response-map.js";

export interface IamAuthCloud {
  lookupAccessKey?(accessKeyId: string, headers?: Record<string, string>): { secretAccessKey: string; sessionToken?: string; principal: Principal } | undefined;
  authorize(ctx: CallContext, action: string, resources: string | string[], deny?: (message: string) => AwsError): void;
}

export type IamAuthResult = { ok: true; authorizer: Record<string, unknown> } | { ok: false; response: GatewayResponse };

const forbidden = (message: string): IamAuthResult => ({ ok: false, response: jsonMessage(403, message) });

/** `action` is execute-api:Invoke for routes, execute-api:ManageConnections for a WebSocket API's @connections. */
export function authorizeIam(req: AwsRequest, cloud: IamAuthCloud, routeArn: string, action = "execute-api:Invoke"): IamAuthResult {
  const sig = readSignature(req.headers, req.query);
  if (!sig) return forbidden("Forbidden");
  if ("malformed" in sig) return forbidden(sig.malformed);
  const key = cloud.lookupAccessKey?.(sig.accessKeyId, req.headers);
  if (!key) return forbidden("The security token included in the request is invalid.");
  const problem = verifySignature(sig, key.secretAccessKey, req);
  if (problem) {
    return forbidden(problem.kind === "mismatch"
      ? "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
      : problem.message);
  }
  if (key.sessionToken !== undefined && sig.securityToken !== key.sessionToken) return forbidden("The security token included in the request is invalid.");
  try {
    cloud.authorize({ principal: key.principal, region: sig.region, requestId: "" }, action, routeArn, (m) => new AwsError("AccessDeniedException", m, 403));
  } catch (err) {
    if (err instanceof AwsError) return { ok: false, response: { status: 403, headers: { "content-type": "application/json" }, setCookies: [], body: Buffer.from(JSON.stringify({ Message: err.message })) } };
    throw err;
  }
  const p = key.principal;
  return {
    ok: true,
    authorizer: {
      iam: {
        accessKey: sig.accessKeyId, accountId: "000000000000", callerId: p.arn.split("/").slice(-2).join(":"),
        cognitoIdentity: null, principalOrgId: null, userArn: p.arn, userId: p.arn.split("/").slice(-2).join(":"),
      },
    },
  };
}
