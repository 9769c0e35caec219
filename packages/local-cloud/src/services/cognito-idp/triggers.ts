/**
 * A pool's Lambda triggers (its LambdaConfig), invoked synchronously through the local
 * Lambda with Cognito's event shape: version "1", the trigger source, region, pool id,
 * user name, caller context and the trigger's own request; the function's answer is the
 * same event with `response` filled in. A function that fails surfaces as Cognito says it:
 * UserLambdaValidationException "<Trigger> failed with error <message>."
 */
import { AwsError } from "../../server/aws-error.js";
import type { Kernel } from "../../kernel/kernel.js";

export type TriggerName = "PreSignUp" | "PostConfirmation" | "PreAuthentication" | "PostAuthentication" | "PreTokenGeneration" | "CustomMessage" | "UserMigration"
  | "DefineAuthChallenge" | "CreateAuthChallenge" | "VerifyAuthChallengeResponse" | "CustomSMSSender" | "CustomEmailSender";

export interface TriggerCall {
  lambdaConfig: Record<string, any> | undefined;
  trigger: TriggerName;
  /** e.g. "PreSignUp_SignUp", "TokenGeneration_Authentication". */
  source: string;
  region: string;
  userPoolId: string;
  userName: string;
  clientId?: string;
  request: Record<string, unknown>;
  response?: Record<string, unknown>;
  /** For triggers configured as `{ LambdaArn, LambdaVersion }` (PreTokenGenerationConfig, the custom senders). */
  functionArn?: string;
  /** The event's `version` ("1" unless the trigger's configuration says otherwise). */
  version?: string;
  /** Fire and forget (the custom senders): the caller does not wait for the answer. */
  async?: boolean;
}

/** Runs the trigger when the pool has one: its `response`, or undefined when there is none. */
export async function runTrigger(kernel: Pick<Kernel, "clients">, call: TriggerCall): Promise<Record<string, any> | undefined> {
  const fn = call.functionArn ?? call.lambdaConfig?.[call.trigger];
  if (typeof fn !== "string" || !fn) return undefined;
  const event = {
    version: call.version ?? "1",
    triggerSource: call.source,
    region: call.region,
    userPoolId: call.userPoolId,
    userName: call.userName,
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: call.clientId ?? "CLIENT_ID_NOT_APPLICABLE" },
    request: call.request,
    response: call.response ?? {},
  };
  let out: { FunctionError?: string; Payload?: Uint8Array };
  try {
    out = (await kernel.clients.lambda.call("Invoke", { FunctionName: fn, InvocationType: call.async ? "Event" : "RequestResponse", Payload: Buffer.from(JSON.stringify(event)) })) as typeof out;
  } catch (err) {
    throw new AwsError("UnexpectedLambdaException", `${call.trigger} invocation failed due to error ${(err as Error).message ?? err}.`);
  }
  if (call.async) return {};
  const text = Buffer.from(out.Payload ?? []).toString("utf8");
  let answer: any;
  try {
    answer = text ? JSON.parse(text) : null;
  } catch {
    throw new AwsError("InvalidLambdaResponseException", `Unrecognizable lambda output`);
  }
  if (out.FunctionError) {
    const message = answer && typeof answer === "object" && typeof answer.errorMessage === "string" ? answer.errorMessage : text;
    throw new AwsError("UserLambdaValidationException", `${call.trigger} failed with error ${message}.`);
  }
  if (!answer || typeof answer !== "object") throw new AwsError("InvalidLambdaResponseException", "Unrecognizable lambda output");
  return (answer.response && typeof answer.response === "object" ? answer.response : {}) as Record<string, any>;
}
