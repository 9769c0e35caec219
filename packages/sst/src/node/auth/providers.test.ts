/**
 * Sign-in flows through AuthHandler against a real OpenID provider on loopback
 * (oidc-provider): Google's OIDC mode (ID token by form_post, state and nonce) and
 * OAuth mode (code + PKCE + client secret), magic links and one-time codes, and what
 * each answers when something is wrong: 400/401 with the reason, 502 for an
 * unreachable provider, 500 only for a misconfigured authenticator.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { generateAuthKeyPair } from "../../custom-resources/auth-keys.js";
import { AuthBrowser, parseForm } from "../../../../../tests/helpers/auth-browser.js";
import { startOidcProvider, idTokenClient, codeClient, type OidcProviderHandle } from "../../../../../tests/helpers/oidc-provider.js";
import { setAuthBinding } from "./keys.js";
import {
  AuthHandler, GoogleAdapter, LinkAdapter, CodeAdapter, GithubAdapter, FacebookAdapter, MicrosoftAdapter, Session,
} from "./index.js";

declare module "./session.js" {
  interface SessionTypes {
    user: { userId: string; email: string };
  }
}

// A path-style local API URL: a loopback redirect URI, which the provider accepts
// for its "native" ID-token client over plain http.
const API_ID = "abc1234567";
const ENDPOINT = "http://127.0.0.1:4570";
const API = `${ENDPOINT}/_aws/execute-api/${API_ID}`;
const SITE = "http://site.test/signed-in";
const keys = generateAuthKeyPair();

let idp: OidcProviderHandle;
/** Links and codes the adapters "send", as an inbox would receive them. */
const sent: { link?: string; code?: string; claims?: Record<string, any> }[] = [];

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({ statusCode, body: JSON.stringify(body) });

const handler = AuthHandler({
  providers: {
    google: GoogleAdapter({
      mode: "oidc",
      clientID: "local-google",
      onSuccess: async (tokenset) => {
        const claims = tokenset.claims();
        return Session.parameter({ redirect: SITE, type: "user", properties: { userId: claims.sub, email: claims.email! } });
      },
    }),
    googlecode: GoogleAdapter({
      mode: "oauth",
      clientID: "local-code",
      clientSecret: "local-secret",
      scope: "openid email",
      onSuccess: async (tokenset) => {
        const claims = tokenset.claims();
        return Session.cookie({ redirect: SITE, type: "user", properties: { userId: claims.sub, email: claims.email! } });
      },
    }),
    unset: GoogleAdapter({ mode: "oidc", clientID: process.env.NOT_SET_ANYWHERE!, onSuccess: async () => json(200, {}) }),
    link: LinkAdapter({
      onLink: async (link, claims) => {
        sent.push({ link, claims });
        return json(200, { sent: true });
      },
      onSuccess: async (claims) => Session.parameter({ redirect: SITE, type: "user", properties: { userId: `email:${claims.email}`, email: claims.email } }),
      onError: async () => json(401, { error: "bad link" }),
    }),
    shortlink: LinkAdapter({
      expiresInMs: 1000,
      onLink: async (link) => {
        sent.push({ link });
        return json(200, {});
      },
      onSuccess: async () => json(200, { ok: true }),
    }),
    code: CodeAdapter({
      onCodeRequest: async (code, claims) => {
        sent.push({ code, claims });
        return json(200, { sent: true });
      },
      onCodeInvalid: async (code) => json(401, { error: `wrong code ${code}` }),
      onSuccess: async (claims) => Session.parameter({ redirect: SITE, type: "user", properties: { userId: `email:${claims.email}`, email: claims.email } }),
    }),
  },
});

before(async () => {
  setAuthBinding({ id: "Auth", prefix: "/auth", ...keys });
  idp = await startOidcProvider({ accounts: { "alice@example.test": { email: "alice@example.test", name: "Alice" } } });
  idp.register([
    idTokenClient("local-google", `${API}/auth/google/callback`),
    codeClient("local-code", "local-secret", `${API}/auth/googlecode/callback`),
  ]);
  process.env.GOOGLE_ISSUER_URL = idp.issuer;
  process.env.AWS_ENDPOINT_URL = ENDPOINT;
});
after(async () => {
  delete process.env.GOOGLE_ISSUER_URL;
  delete process.env.AWS_ENDPOINT_URL;
  await idp?.stop();
});

const browser = () => new AuthBrowser(ENDPOINT, API_ID, handler);
const sessionFrom = (location: string) => Session.verify<any>(new URL(location).searchParams.get("token")!);
const body = (page: { body: string }) => JSON.parse(page.body);

describe("GoogleAdapter, oidc mode (ID token by form_post)", () => {
  it("signs in at the provider and redirects to the site with a session token", async () => {
    const b = browser();
    const start = await b.request(`${API}/auth/google/authorize`);
    assert.equal(start.status, 302);
    const auth = new URL(start.headers.location);
    assert.equal(auth.origin, idp.issuer);
    assert.equal(auth.searchParams.get("response_type"), "id_token");
    assert.equal(auth.searchParams.get("response_mode"), "form_post");
    assert.equal(auth.searchParams.get("redirect_uri"), `${API}/auth/google/callback`);
    assert.equal(auth.searchParams.get("scope"), "openid email profile");
    assert.equal(auth.searchParams.get("state"), b.jar(ENDPOINT).get("auth-state"));
    assert.equal(auth.searchParams.get("nonce"), b.jar(ENDPOINT).get("auth-nonce"));

    const done = await b.visit(start.headers.location, { until: SITE });
    assert.equal(done.status, 302, done.body);
    const session = sessionFrom(done.headers.location);
    assert.deepEqual({ type: session.type, properties: session.properties }, { type: "user", properties: { userId: "alice@example.test", email: "alice@example.test" } });
    assert.equal(b.jar(ENDPOINT).size, 0, "the flow cookies are cleared");
  });

  it("refuses a callback whose state does not match, or that arrives without the flow cookies (401)", async () => {
    const b = browser();
    const start = await b.request(`${API}/auth/google/authorize`);
    b.jar(ENDPOINT).set("auth-state", "something-else");
    const done = await b.visit(start.headers.location, { until: SITE });
    assert.equal(done.status, 401, done.body);
    assert.match(body(done).message, /state mismatch/);

    // The provider's answer replayed from another browser (no flow cookies).
    const first = browser();
    const s = await first.request(`${API}/auth/google/authorize`);
    const form = await formPostOf(first, s.headers.location);
    const other = browser();
    const replay = await other.request(`${API}/auth/google/callback`, postForm(form));
    assert.equal(replay.status, 401);
    assert.match(body(replay).message, /No sign-in is in progress in this browser/);
  });

  it("refuses a changed ID token (401), a missing one (400) and a nonce from another sign-in (401)", async () => {
    const b = browser();
    const s = await b.request(`${API}/auth/google/authorize`);
    const form = await formPostOf(b, s.headers.location);
    const [h, p, sig] = form.get("id_token")!.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, email: "mallory@example.test" })).toString("base64url")}.${sig}`;
    let page = await b.request(`${API}/auth/google/callback`, postForm(new Map([...form, ["id_token", forged]])));
    assert.equal(page.status, 401, page.body);
    assert.match(body(page).message, /failed verification/);

    page = await b.request(`${API}/auth/google/callback`, postForm(new Map([["state", form.get("state")!]])));
    assert.equal(page.status, 400);

    b.jar(ENDPOINT).set("auth-nonce", "another-sign-in");
    page = await b.request(`${API}/auth/google/callback`, postForm(form));
    assert.equal(page.status, 401);
    assert.match(body(page).message, /nonce mismatch/);
  });
});

describe("GoogleAdapter, oauth mode (code + PKCE + client secret)", () => {
  it("exchanges the code and sets the session cookie", async () => {
    const b = browser();
    const start = await b.request(`${API}/auth/googlecode/authorize`);
    const auth = new URL(start.headers.location);
    assert.equal(auth.searchParams.get("response_type"), "code");
    assert.equal(auth.searchParams.get("code_challenge_method"), "S256");
    assert.ok(auth.searchParams.get("code_challenge"));
    const done = await b.visit(start.headers.location, { until: SITE });
    assert.equal(done.status, 302, done.body);
    assert.equal(done.headers.location, SITE);
    const token = b.jar(ENDPOINT).get("auth-token");
    assert.ok(token, "session cookie set");
    assert.equal(Session.verify<any>(token!).properties.email, "alice@example.test");
    assert.equal(b.jar(ENDPOINT).has("auth-code-verifier"), false);
  });

  it("the provider refuses a code with the wrong PKCE verifier, and a code used twice (401)", async () => {
    const b = browser();
    const start = await b.request(`${API}/auth/googlecode/authorize`);
    const back = await callbackUrlOf(b, start.headers.location);
    const verifier = b.jar(ENDPOINT).get("auth-code-verifier")!;
    b.jar(ENDPOINT).set("auth-code-verifier", "x".repeat(43));
    let page = await b.request(back);
    assert.equal(page.status, 401, page.body);
    assert.match(body(page).message, /invalid_grant/);

    b.jar(ENDPOINT).set("auth-code-verifier", verifier);
    const state = b.jar(ENDPOINT).get("auth-state")!;
    page = await b.request(back);
    assert.equal(page.status, 302, "the right verifier gets the session");

    b.jar(ENDPOINT).set("auth-code-verifier", verifier);
    b.jar(ENDPOINT).set("auth-state", state);
    page = await b.request(back);
    assert.equal(page.status, 401, "a code works once");
    assert.match(body(page).message, /invalid_grant/);
  });
});

describe("AuthHandler routes and failures", () => {
  it("GET {prefix} lists each provider's authorize URL; unknown providers and steps are 404", async () => {
    const b = browser();
    const index = await b.request(`${API}/auth`);
    assert.equal(index.status, 200);
    assert.equal(body(index).google, `${API}/auth/google/authorize`);
    assert.equal((await b.request(`${API}/auth/nope/authorize`)).status, 404);
    const step = await b.request(`${API}/auth/google/sideways`);
    assert.equal(step.status, 404);
    assert.match(body(step).message, /Unknown auth step "sideways"/);
  });

  it("a provider without its client id answers 500 naming the setting; the other providers still work", async () => {
    const page = await browser().request(`${API}/auth/unset/authorize`);
    assert.equal(page.status, 500);
    assert.match(body(page).message, /"clientID" is empty/);
    assert.equal((await browser().request(`${API}/auth/link/authorize?email=bob@example.test`)).status, 200);
  });

  it("an unreachable provider answers 502, and the next request tries again", async () => {
    const saved = process.env.GOOGLE_ISSUER_URL;
    process.env.GOOGLE_ISSUER_URL = "http://127.0.0.1:9";
    try {
      const page = await browser().request(`${API}/auth/google/authorize`);
      assert.equal(page.status, 502);
      assert.match(body(page).message, /discovery of http:\/\/127\.0\.0\.1:9 failed/);
    } finally {
      process.env.GOOGLE_ISSUER_URL = saved;
    }
    assert.equal((await browser().request(`${API}/auth/google/authorize`)).status, 302);
  });
});

describe("LinkAdapter (magic links)", () => {
  it("sends a link; following it signs in", async () => {
    const b = browser();
    const page = await b.request(`${API}/auth/link/authorize?email=bob@example.test`);
    assert.equal(page.status, 200);
    const { link, claims } = sent.at(-1)!;
    assert.deepEqual(claims, { email: "bob@example.test" });
    assert.ok(link!.startsWith(`${API}/auth/link/callback?token=`));
    const done = await browser().visit(link!, { until: SITE });
    assert.equal(done.status, 302);
    assert.deepEqual(sessionFrom(done.headers.location).properties, { userId: "email:bob@example.test", email: "bob@example.test" });
  });

  it("a changed or expired link gets onError, or a 401 with the reason; a link without a token is a 400", async () => {
    await browser().request(`${API}/auth/link/authorize?email=bob@example.test`);
    const link = new URL(sent.at(-1)!.link!);
    const [h, , s] = link.searchParams.get("token")!.split(".");
    link.searchParams.set("token", `${h}.${Buffer.from('{"email":"admin@example.test"}').toString("base64url")}.${s}`);
    const forged = await browser().request(link.toString());
    assert.deepEqual([forged.status, body(forged)], [401, { error: "bad link" }]);

    await browser().request(`${API}/auth/shortlink/authorize?email=bob@example.test`);
    const short = sent.at(-1)!.link!;
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await browser().request(short);
    assert.equal(expired.status, 401);
    assert.match(body(expired).message, /has expired/);

    assert.equal((await browser().request(`${API}/auth/link/callback`)).status, 400);
  });
});

describe("CodeAdapter (one-time codes)", () => {
  it("the right code signs in; a wrong one, or a changed cookie, gets onCodeInvalid", async () => {
    const b = browser();
    await b.request(`${API}/auth/code/authorize?email=carol@example.test`);
    const { code, claims } = sent.at(-1)!;
    assert.match(code!, /^\d{6}$/);
    assert.deepEqual(claims, { email: "carol@example.test" });
    const cookie = b.jar(ENDPOINT).get("auth-code")!;
    assert.ok(cookie && !cookie.includes("carol"), "claims and code are sealed, not readable");

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    let page = await b.request(`${API}/auth/code/callback?code=${wrong}`);
    assert.deepEqual([page.status, body(page)], [401, { error: `wrong code ${wrong}` }]);

    b.jar(ENDPOINT).set("auth-code", cookie.slice(0, -2) + (cookie.endsWith("A") ? "BB" : "AA"));
    page = await b.request(`${API}/auth/code/callback?code=${code}`);
    assert.equal(page.status, 401);

    b.jar(ENDPOINT).set("auth-code", cookie);
    page = await b.request(`${API}/auth/code/callback?code=${code}`);
    assert.equal(page.status, 302);
    assert.equal(sessionFrom(page.headers.location).properties.email, "carol@example.test");
    assert.equal(b.jar(ENDPOINT).has("auth-code"), false);
  });
});

describe("GitHub, Facebook and Microsoft", () => {
  // Their endpoints are the real ones: the authorize redirect is checked; the callback
  // is the OAuth/OIDC flow tested above against the loopback provider.
  const providers = AuthHandler({
    providers: {
      github: GithubAdapter({ clientID: "gh", clientSecret: "s", scope: "read:user", onSuccess: async () => json(200, {}) }),
      facebook: FacebookAdapter({ clientID: "fb", clientSecret: "s", scope: "email", onSuccess: async () => json(200, {}) }),
      microsoft: MicrosoftAdapter({ mode: "oidc", clientID: "ms", prompt: "select_account", onSuccess: async () => json(200, {}) }),
      contoso: MicrosoftAdapter({ mode: "oidc", tenantID: "contoso.onmicrosoft.com", clientID: "ms", onSuccess: async () => json(200, {}) }),
    },
  });

  it("redirect to each provider's authorize endpoint with this Api's callback", async () => {
    const b = new AuthBrowser(ENDPOINT, API_ID, providers);
    const expect: Record<string, [string, Record<string, string>]> = {
      github: ["https://github.com/login/oauth/authorize", { client_id: "gh", response_type: "code", code_challenge_method: "S256", scope: "read:user" }],
      facebook: ["https://facebook.com/dialog/oauth/", { client_id: "fb", response_type: "code", scope: "email" }],
      microsoft: ["https://login.microsoftonline.com/common/oauth2/v2.0/authorize", { client_id: "ms", response_type: "id_token", response_mode: "form_post", prompt: "select_account" }],
      contoso: ["https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize", { client_id: "ms", scope: "openid email profile" }],
    };
    for (const [name, [endpoint, params]] of Object.entries(expect)) {
      const page = await b.request(`${API}/auth/${name}/authorize`);
      assert.equal(page.status, 302, name);
      const url = new URL(page.headers.location);
      assert.equal(`${url.origin}${url.pathname}`, endpoint, name);
      assert.equal(url.searchParams.get("redirect_uri"), `${API}/auth/${name}/callback`, name);
      assert.ok(url.searchParams.get("state"), name);
      for (const [k, v] of Object.entries(params)) assert.equal(url.searchParams.get(k), v, `${name} ${k}`);
    }
  });
});

/** Runs a sign-in up to the provider's form_post page and returns the form it posts. */
async function formPostOf(b: AuthBrowser, authorizeUrl: string): Promise<Map<string, string>> {
  let page = await b.request(authorizeUrl);
  for (let i = 0; i < 10; i++) {
    if (page.headers.location) page = await b.request(new URL(page.headers.location, page.url).toString());
    else {
      const form = parseForm(page.body);
      if (!form) throw new Error(`no form on ${page.url}: ${page.body.slice(0, 200)}`);
      if (form.fields.has("id_token")) return form.fields;
      form.fields.set("login", "alice@example.test");
      form.fields.set("password", "x");
      page = await b.request(new URL(form.action, page.url).toString(), postForm(form.fields));
    }
  }
  throw new Error("the provider never posted back");
}

/** Runs a code-flow sign-in up to the provider's redirect back, without following it. */
async function callbackUrlOf(b: AuthBrowser, authorizeUrl: string): Promise<string> {
  let page = await b.request(authorizeUrl);
  for (let i = 0; i < 10; i++) {
    const location = page.headers.location && new URL(page.headers.location, page.url).toString();
    if (location?.startsWith(API)) return location;
    if (location) page = await b.request(location);
    else {
      const form = parseForm(page.body)!;
      form.fields.set("login", "alice@example.test");
      form.fields.set("password", "x");
      page = await b.request(new URL(form.action, page.url).toString(), postForm(form.fields));
    }
  }
  throw new Error("the provider never redirected back");
}

function postForm(fields: Map<string, string>) {
  return { method: "POST", body: new URLSearchParams([...fields]).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } };
}
