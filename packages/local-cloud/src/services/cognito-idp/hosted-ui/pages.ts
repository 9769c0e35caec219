/**
 * The hosted UI's pages: plain server-rendered HTML forms (no script), each posting back to
 * its own path with the authorize request's query string, so every step keeps the client,
 * redirect URI, state, scopes, nonce and PKCE challenge it started with. Forms carry a CSRF
 * token matched against the `XSRF-TOKEN` cookie.
 */
import type { AwsResponse } from "../../../types.js";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface PageContext {
  /** The authorize request's query string, carried from page to page ("" or "?…"). */
  query: string;
  csrf: string;
  poolName: string;
}

export interface Field {
  name: string;
  label: string;
  type?: "text" | "password" | "email" | "hidden";
  value?: string;
  autocomplete?: string;
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}.info{color:#205020}nav a{display:block;margin-top:.5rem}a.idp{border:1px solid #888;padding:.5rem;text-align:center;text-decoration:none}</style>
</head><body>${body}</body></html>`;
}

/** A form page: a heading, a message, fields, a submit button and links to the other pages. */
export function formPage(ctx: PageContext, o: {
  title: string; action: string; fields: Field[]; submit: string; error?: string; info?: string; links?: { href: string; text: string }[];
  /** Sign-in buttons of federated identity providers, above the form (links: they start a new authorize request). */
  providers?: { name: string; href: string }[];
  /** No form, only the provider buttons (a client that does not sign in with COGNITO). */
  formless?: boolean;
  /** Markup made here, not from input (the authenticator app's QR code), shown above the form. */
  figure?: string;
}): AwsResponse {
  const fields = o.fields
    .map((f) =>
      f.type === "hidden"
        ? `<input type="hidden" name="${escape(f.name)}" value="${escape(f.value ?? "")}">`
        : `<label for="${escape(f.name)}">${escape(f.label)}</label><input id="${escape(f.name)}" name="${escape(f.name)}" type="${f.type ?? "text"}" value="${escape(f.value ?? "")}"${f.autocomplete ? ` autocomplete="${f.autocomplete}"` : ""} required>`,
    )
    .join("\n");
  const links = (o.links ?? []).map((l) => `<a href="${escape(l.href + ctx.query)}">${escape(l.text)}</a>`).join("");
  const providers = (o.providers ?? []).map((p) => `<a class="idp" data-provider="${escape(p.name)}" href="${escape(p.href)}">Sign in with ${escape(p.name)}</a>`).join("");
  const form = `<form method="post" action="${escape(o.action + ctx.query)}">
<input type="hidden" name="_csrf" value="${escape(ctx.csrf)}">
${fields}
<button type="submit" name="signInSubmitButton">${escape(o.submit)}</button>
</form>${links ? `<nav>${links}</nav>` : ""}`;
  const body = `<h1>${escape(o.title)}</h1><p>${escape(ctx.poolName)}</p>
${o.error ? `<p class="error" role="alert" id="error">${escape(o.error)}</p>` : ""}${o.info ? `<p class="info" id="info">${escape(o.info)}</p>` : ""}
${o.figure ? `<figure>${o.figure}</figure>` : ""}${providers ? `<nav class="providers">${providers}</nav>${o.formless ? "" : "<p>or</p>"}` : ""}${o.formless ? "" : form}`;
  return {
    status: o.error ? 400 : 200,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "set-cookie": `XSRF-TOKEN=${ctx.csrf}; Path=/; HttpOnly; SameSite=Lax` },
    body: layout(o.title, body),
  };
}

/** Cognito's error page: what went wrong, and nowhere to go (the redirect URI was not trusted). */
export function errorPage(error: string, description?: string): AwsResponse {
  const body = `<h1>An error was encountered with the requested page.</h1><p id="error">${escape(error)}</p>${description ? `<p id="error_description">${escape(description)}</p>` : ""}`;
  return { status: 400, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body: layout("Error", body) };
}
