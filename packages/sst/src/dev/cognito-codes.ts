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

/** A user pool domain's local hosted UI, said when the domain is created. */
interface DomainEvent {
  userPoolId: string;
  domain: string;
  url: string;
}

export const describeDomain = (e: DomainEvent) => `|  Cognito ${e.userPoolId}: domain ${e.domain}: hosted UI and OAuth endpoints at ${e.url}`;

/** A federated identity provider that cannot sign anyone in locally, said when it is created. */
interface IdentityProviderEvent {
  userPoolId: string;
  providerName: string;
  local: string;
}

export const describeIdentityProvider = (e: IdentityProviderEvent) => `|  Cognito ${e.userPoolId}: identity provider ${e.providerName}: ${e.local}`;

/**
 * Prints codes as they are sent, user pool domains' hosted UI URLs — `existingDomains`
 * (the domains the saved state already has) at once, new ones as they are created — and
 * identity providers that cannot sign anyone in locally, once, when they are created.
 */
export function attachCognitoCodeLog(events: EventEmitter, ui: Ui, existingDomains: () => DomainEvent[] = () => []): () => void {
  const onCode = (e: CodeEvent) => ui.line(describeCode(e));
  const onDomain = (e: DomainEvent) => ui.line(describeDomain(e));
  for (const d of existingDomains()) onDomain(d);
  events.on("cognito:code", onCode);
  const onProvider = (e: IdentityProviderEvent) => ui.line(describeIdentityProvider(e));
  events.on("cognito:domain", onDomain);
  events.on("cognito:identity-provider", onProvider);
  return () => {
    events.off("cognito:code", onCode);
    events.off("cognito:domain", onDomain);
    events.off("cognito:identity-provider", onProvider);
  };
}
