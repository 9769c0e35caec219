/**
 * The codes a local user pool would have emailed or texted (sign-up confirmation,
 * forgot password, attribute verification, a temporary password, an SMS / email MFA
 * sign-in code), printed once each so
 * the developer can type them in: the local cloud sends no mail.
 */
import type { EventEmitter } from "node:events";
import type { Ui } from "../cli/ui.js";

interface CodeEvent {
  userPoolId: string;
  username: string;
  purpose: string;
  attribute: string;
  destination: string;
  code: string;
  message?: string;
}

const WHAT: Record<string, string> = {
  signup: "Sign-up confirmation code",
  forgot: "Password reset code",
  verify: "Verification code",
  "temporary-password": "Temporary password",
  mfa: "Sign-in (MFA) code",
};

export function describeCode(e: CodeEvent): string {
  const to = e.destination ? ` for ${e.destination}` : ` for ${e.username}`;
  const what = WHAT[e.purpose] ?? "Code";
  return `|  Cognito ${e.userPoolId}: ${what}${to}: ${e.code}${e.message ? ` (message: ${JSON.stringify(e.message)})` : ""}`;
}

export function attachCognitoCodeLog(events: EventEmitter, ui: Ui): () => void {
  const onCode = (e: CodeEvent) => ui.line(describeCode(e));
  events.on("cognito:code", onCode);
  return () => events.off("cognito:code", onCode);
}
