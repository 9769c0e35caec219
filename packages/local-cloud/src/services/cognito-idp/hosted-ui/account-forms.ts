/**
 * The hosted UI's account forms besides sign-in: sign up, confirm the account, forgot
 * password and reset it with the code. Each calls the API operation a user would
 * (SignUp, ConfirmSignUp, ForgotPassword, ConfirmForgotPassword), so the same checks,
 * codes and triggers (UserMigration on a forgotten password included) apply.
 */
import { createHmac } from "node:crypto";
import { AwsError } from "../../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { Client, Directory, Pool } from "../directory.js";
import type { UserOperations } from "../users.js";
import { confirmPage, loginPage, resetPage } from "./form-pages.js";
import { formPage, type Field } from "./pages.js";
import { checkedRequest, pageContext, postedForm } from "./requests.js";

/** SECRET_HASH for a public call the hosted UI makes on the user's behalf (it knows the client's secret). */
function secretHash(client: Client, username: string): string | undefined {
  return client.row.secret ? createHmac("sha256", client.row.secret).update(`${username}${client.id}`).digest("base64") : undefined;
}

export class AccountForms {
  constructor(
    private readonly dir: Directory,
    private readonly users: UserOperations,
  ) {}

  private signUpFields(pool: Pool, values: URLSearchParams | undefined): Field[] {
    const byEmail = pool.usernameAttributes.includes("email");
    const fields: Field[] = [{ name: "username", label: byEmail ? "Email" : "Username", value: values?.get("username") ?? "", autocomplete: byEmail ? "email" : "username" }];
    for (const a of pool.schema) {
      if (!a.Required || a.Name === "sub" || (byEmail && a.Name === "email")) continue;
      fields.push({ name: `attr_${a.Name}`, label: a.Name, type: a.Name === "email" ? "email" : "text", value: values?.get(`attr_${a.Name}`) ?? "" });
    }
    fields.push({ name: "password", label: "Password", type: "password", autocomplete: "new-password" });
    return fields;
  }

  async signUp(req: AwsRequest, pool: Pool, post: boolean): Promise<AwsResponse> {
    const checked = checkedRequest(this.dir, req.query, pool);
    if ("response" in checked) return checked.response;
    const ctx = pageContext(req, pool);
    const page = (form?: URLSearchParams, error?: string) =>
      formPage(ctx, { title: "Sign up", action: "/signup", submit: "Sign up", error, fields: this.signUpFields(pool, form), links: [{ href: "/login", text: "Already have an account? Sign in" }] });
    if (!post) return page();
    const form = postedForm(req);
    const username = form.get("username") ?? "";
    const attributes = [...form.entries()].filter(([k]) => k.startsWith("attr_")).map(([k, v]) => ({ Name: k.slice(5), Value: v }));
    if (pool.usernameAttributes.includes("email")) attributes.push({ Name: "email", Value: username });
    const { client } = checked.ok;
    try {
      const out = (await this.users.SignUp({ ClientId: client.id, SecretHash: secretHash(client, username), Username: username, Password: form.get("password") ?? "", UserAttributes: attributes })) as { UserConfirmed: boolean };
      if (out.UserConfirmed) return loginPage(ctx, client, { info: "Your account is confirmed: sign in.", username });
      return confirmPage(ctx, { username, info: "We have sent a code: enter it to confirm your account." });
    } catch (e) {
      if (e instanceof AwsError) return page(form, e.message);
      throw e;
    }
  }

  async confirm(req: AwsRequest, pool: Pool, post: boolean): Promise<AwsResponse> {
    const checked = checkedRequest(this.dir, req.query, pool);
    if ("response" in checked) return checked.response;
    const ctx = pageContext(req, pool);
    if (!post) return confirmPage(ctx, { username: req.query.get("username") ?? "" });
    const form = postedForm(req);
    const username = form.get("username") ?? "";
    const { client } = checked.ok;
    try {
      await this.users.ConfirmSignUp({ ClientId: client.id, SecretHash: secretHash(client, username), Username: username, ConfirmationCode: form.get("code") ?? "" });
    } catch (e) {
      if (e instanceof AwsError) return confirmPage(ctx, { username, error: e.message });
      throw e;
    }
    return loginPage(ctx, client, { info: "Your account is confirmed: sign in.", username });
  }

  async forgotPassword(req: AwsRequest, pool: Pool, post: boolean): Promise<AwsResponse> {
    const checked = checkedRequest(this.dir, req.query, pool);
    if ("response" in checked) return checked.response;
    const ctx = pageContext(req, pool);
    const page = (error?: string) => formPage(ctx, { title: "Forgot your password?", action: "/forgotPassword", submit: "Reset my password", error, fields: [{ name: "username", label: "Username", autocomplete: "username" }] });
    if (!post) return page();
    const form = postedForm(req);
    const username = form.get("username") ?? "";
    const { client } = checked.ok;
    try {
      await this.users.ForgotPassword({ ClientId: client.id, SecretHash: secretHash(client, username), Username: username });
    } catch (e) {
      if (e instanceof AwsError) return page(e.message);
      throw e;
    }
    return resetPage(ctx, username, undefined, "We have sent a password reset code: enter it below.");
  }

  async confirmForgotPassword(req: AwsRequest, pool: Pool, post: boolean): Promise<AwsResponse> {
    const checked = checkedRequest(this.dir, req.query, pool);
    if ("response" in checked) return checked.response;
    const ctx = pageContext(req, pool);
    if (!post) return resetPage(ctx, req.query.get("username") ?? "");
    const form = postedForm(req);
    const username = form.get("username") ?? "";
    const { client } = checked.ok;
    try {
      await this.users.ConfirmForgotPassword({ ClientId: client.id, SecretHash: secretHash(client, username), Username: username, ConfirmationCode: form.get("code") ?? "", Password: form.get("password") ?? "" });
    } catch (e) {
      if (e instanceof AwsError) return resetPage(ctx, username, e.message);
      throw e;
    }
    return loginPage(ctx, client, { info: "Your password has been changed: sign in.", username });
  }
}
