/**
 * The hosted UI's second factor: after the password, the sign-in form asks for the MFA code
 * the pool requires (SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP — mfa.ts decides which and sends
 * the code), or for the factor to use when the user has several (SELECT_MFA_TYPE). The
 * challenge's Session travels in a hidden field, as the password step's state does on the
 * API; it is single-use, tied to the app client, and three minutes long (challenge-sessions.ts).
 * MFA_SETUP (a pool requiring MFA, a user with no factor): the form sets up an authenticator
 * app — AssociateSoftwareToken's secret shown as text and as a QR code of its otpauth:// URI,
 * then the app's first code verified (VerifySoftwareToken) before the sign-in goes on — or,
 * when the pool offers no authenticator app, refuses with an error page, so no tokens are
 * ever issued without the second factor.
 */
import type { AwsResponse } from "../../../types.js";
import { CODE_RESPONSE } from "../mfa.js";
import type { MfaType } from "../mfa-store.js";
import qrcode from "qrcode-generator";
import { errorPage, formPage, type Field, type PageContext } from "./pages.js";

/** An MFA challenge as mfa.ts answers it. */
export interface MfaChallengeAnswer {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
}

/** What the MFA form carries back besides the code. */
export interface MfaFormState {
  challenge: string;
  session: string;
  username: string;
  /** Shown again when a code is wrong: the masked destination, or the factors to choose from. */
  hint: string;
}

export const CODE_CHALLENGES = new Set(["SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP"]);

/** Whether a POST to /login answers the MFA form (rather than the password form). */
export const isMfaForm = (form: URLSearchParams) => form.get("mfa_session") !== null;

export function readMfaForm(form: URLSearchParams): MfaFormState & { value: string } {
  return {
    challenge: form.get("mfa_challenge") ?? "",
    session: form.get("mfa_session") ?? "",
    username: form.get("mfa_username") ?? "",
    hint: form.get("mfa_hint") ?? "",
    value: (form.get("code") ?? form.get("mfa_type") ?? "").trim(),
  };
}

/** The ChallengeResponses of RespondToAuthChallenge for what the form posted. */
export function challengeResponses(state: MfaFormState, value: string): Record<string, string> {
  if (state.challenge === "SELECT_MFA_TYPE") return { USERNAME: state.username, ANSWER: value };
  const field = CODE_RESPONSE[state.challenge as MfaType];
  return field ? { USERNAME: state.username, [field]: value } : { USERNAME: state.username };
}

/** The form state of a challenge mfa.ts just answered with. */
export function mfaFormState(challenge: MfaChallengeAnswer, username: string): MfaFormState {
  const p = challenge.ChallengeParameters ?? {};
  const hint = challenge.ChallengeName === "SELECT_MFA_TYPE" ? (JSON.parse(p.MFAS_CAN_CHOOSE ?? "[]") as string[]).join(" or ") : (p.CODE_DELIVERY_DESTINATION ?? "");
  return { challenge: challenge.ChallengeName ?? "", session: challenge.Session ?? "", username, hint };
}

/** The page for an MFA step: a code (or factor) form, or the refusal of what the form cannot do. */
export function mfaPage(ctx: PageContext, state: MfaFormState, error?: string): AwsResponse {
  const hidden: Field[] = [
    { name: "mfa_challenge", label: "", type: "hidden", value: state.challenge },
    { name: "mfa_session", label: "", type: "hidden", value: state.session },
    { name: "mfa_username", label: "", type: "hidden", value: state.username },
    { name: "mfa_hint", label: "", type: "hidden", value: state.hint },
  ];
  const page = (info: string, field: Field) => formPage(ctx, { title: "Multi-factor authentication", action: "/login", submit: "Sign in", error, info, fields: [...hidden, field] });
  switch (state.challenge) {
    case "SOFTWARE_TOKEN_MFA":
      return page("Enter the code from your authenticator app.", { name: "code", label: "Code", autocomplete: "one-time-code" });
    case "SMS_MFA":
    case "EMAIL_OTP":
      return page(`We have sent a code to ${state.hint}: enter it below.`, { name: "code", label: "Code", autocomplete: "one-time-code" });
    case "SELECT_MFA_TYPE":
      return page(`Choose how to sign in: ${state.hint}.`, { name: "mfa_type", label: `Second factor (${state.hint})` });
    case "MFA_SETUP":
      return errorPage(
        "mfa_setup_required",
        "This user pool requires multi-factor authentication, this user has no factor set up, and the pool offers no authenticator app to set up here " +
          "(SMS and email factors need a verified phone number or email address: set one through the API, then sign in here again).",
      );
    default:
      return errorPage("invalid_request", `The local hosted UI does not answer the ${state.challenge || "unknown"} challenge.`);
  }
}

/** Whether an MFA_SETUP challenge lets the user set up an authenticator app. */
export const offersAuthenticatorSetup = (challenge: MfaChallengeAnswer) =>
  (JSON.parse(challenge.ChallengeParameters?.MFAS_CAN_SETUP ?? "[]") as string[]).includes("SOFTWARE_TOKEN_MFA");

/** The authenticator app's URI (Google's Key URI format), named after the pool and the user. */
export const otpauthUri = (issuer: string, username: string, secret: string) =>
  `otpauth://totp/${encodeURIComponent(`${issuer}:${username}`)}?${new URLSearchParams({ secret, issuer })}`;

/**
 * Setting up an authenticator app while signing in: the secret (carried in the form as the
 * state's hint, to show again after a wrong code), its QR code, and the first code.
 */
export function mfaSetupPage(ctx: PageContext, state: MfaFormState, error?: string): AwsResponse {
  const uri = otpauthUri(ctx.poolName, state.username, state.hint);
  const qr = qrcode(0, "M");
  qr.addData(uri);
  qr.make();
  return formPage(ctx, {
    title: "Set up an authenticator app", action: "/login", submit: "Verify and sign in", error,
    info: `This user pool requires a second factor. Scan the QR code with an authenticator app, or enter the secret ${state.hint}, then enter the code it shows.`,
    figure: `${qr.createSvgTag({ cellSize: 4, margin: 4 })}<figcaption id="secret">${state.hint.replace(/[^A-Z2-7=]/g, "")}</figcaption>`,
    fields: [
      { name: "mfa_challenge", label: "", type: "hidden", value: "MFA_SETUP" },
      { name: "mfa_session", label: "", type: "hidden", value: state.session },
      { name: "mfa_username", label: "", type: "hidden", value: state.username },
      { name: "mfa_hint", label: "", type: "hidden", value: state.hint },
      { name: "code", label: "Code", autocomplete: "one-time-code" },
    ],
  });
}
