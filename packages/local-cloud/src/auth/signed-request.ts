/**
 * A data-plane request signed with SigV4 by a caller of the local cloud (API Gateway's
 * AWS_IAM routes, AppSync's AWS_IAM mode): the signature is read, the access key looked up
 * in the identity store, the signature verified against its secret and the session token
 * compared. Each data plane words its own refusals from the `problem`.
 */
import { readSignature, verifySignature } from "../server/sigv4.js";
import type { AwsError } from "../server/aws-error.js";
import type { AwsRequest, CallContext, Principal } from "../types.js";

/** What a data plane needs of the cloud to check signed callers. */
export interface IamAuthCloud {
  lookupAccessKey?(accessKeyId: string, headers?: Record<string, string>): { secretAccessKey: string; sessionToken?: string; principal: Principal } | undefined;
  authorize(ctx: CallContext, action: string, resources: string | string[], deny?: (message: string) => AwsError): void;
}

export type SignedCaller =
  | { ok: true; principal: Principal; accessKeyId: string; region: string }
  | { ok: false; problem: "unsigned" | "malformed" | "unknown-key" | "mismatch" | "invalid"; message: string };

export const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";

export function verifySignedCaller(req: AwsRequest, cloud: IamAuthCloud | undefined): SignedCaller {
  const sig = readSignature(req.headers, req.query);
  if (!sig) return { ok: false, problem: "unsigned", message: "Forbidden" };
  if ("malformed" in sig) return { ok: false, problem: "malformed", message: sig.malformed };
  const key = cloud?.lookupAccessKey?.(sig.accessKeyId, req.headers);
  if (!key) return { ok: false, problem: "unknown-key", message: INVALID_TOKEN };
  const problem = verifySignature(sig, key.secretAccessKey, req);
  if (problem) return problem.kind === "mismatch" ? { ok: false, problem: "mismatch", message: SIGNATURE_MISMATCH } : { ok: false, problem: "invalid", message: problem.message };
  if (key.sessionToken !== undefined && sig.securityToken !== key.sessionToken) return { ok: false, problem: "unknown-key", message: INVALID_TOKEN };
  return { ok: true, principal: key.principal, accessKeyId: sig.accessKeyId, region: sig.region };
}
