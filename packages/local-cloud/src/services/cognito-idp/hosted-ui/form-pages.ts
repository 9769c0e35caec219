/**
 * The hosted UI's form pages, each a fixed set of fields posting back to its path: sign in
 * (with the client's federated providers as buttons), choose a new password, confirm the
 * account, reset the password.
 */
import type { AwsResponse } from "../../../types.js";
import type { Client } from "../directory.js";
import { formPage, type PageContext } from "./pages.js";

/**
 * Whether the client signs users in with the pool's own form: COGNITO among its providers,
 * or (as the local hosted UI has always taken it) no providers listed at all.
 */
export function signsInWithCognito(client: Client): boolean {
  const names = (client.description.SupportedIdentityProviders ?? []) as string[];
  return names.length === 0 || names.includes("COGNITO");
}

/** The client's federated providers as buttons: the same authorize request, with `identity_provider` set. */
function providerButtons(ctx: PageContext, client: Client): { name: string; href: string }[] {
  const names = ((client.description.SupportedIdentityProviders ?? []) as string[]).filter((n) => n !== "COGNITO");
  return names.map((name) => {
    const q = new URLSearchParams(ctx.query);
    q.delete("idp_identifier");
    q.set("identity_provider", name);
    return { name, href: `/oauth2/authorize?${q}` };
  });
}

export function loginPage(ctx: PageContext, client: Client, o: { error?: string; info?: string; username?: string } = {}): AwsResponse {
  return formPage(ctx, {
    title: "Sign in", action: "/login", submit: "Sign in", error: o.error, info: o.info,
    providers: providerButtons(ctx, client),
    formless: !signsInWithCognito(client),
    fields: [
      { name: "username", label: "Username", value: o.username, autocomplete: "username" },
      { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
    ],
    links: [{ href: "/forgotPassword", text: "Forgot your password?" }, { href: "/signup", text: "Sign up" }],
  });
}

export function newPasswordPage(ctx: PageContext, token: string, error?: string): AwsResponse {
  return formPage(ctx, {
    title: "Change password", action: "/login", submit: "Send", error, info: "Please enter a new password.",
    fields: [{ name: "pending", label: "", type: "hidden", value: token }, { name: "new_password", label: "New password", type: "password", autocomplete: "new-password" }],
  });
}

export function confirmPage(ctx: PageContext, o: { username: string; error?: string; info?: string }): AwsResponse {
  return formPage(ctx, {
    title: "Confirm your account", action: "/confirm", submit: "Confirm account", error: o.error, info: o.info,
    fields: [{ name: "username", label: "Username", value: o.username }, { name: "code", label: "Verification code", autocomplete: "one-time-code" }],
  });
}

export function resetPage(ctx: PageContext, username: string, error?: string, info?: string): AwsResponse {
  return formPage(ctx, {
    title: "Reset your password", action: "/confirmForgotPassword", submit: "Change password", error, info,
    fields: [
      { name: "username", label: "Username", value: username },
      { name: "code", label: "Code", autocomplete: "one-time-code" },
      { name: "password", label: "New password", type: "password", autocomplete: "new-password" },
    ],
  });
}
