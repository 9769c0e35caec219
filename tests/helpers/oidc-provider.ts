/**
 * A real OpenID Connect provider on loopback (the `oidc-provider` package), standing in
 * for Google and friends in tests and for trying sign-in locally. Its sign-in page is a
 * plain form served here (no external fonts or scripts): any login and password are
 * accepted, the login becomes the account id, and consent is granted without asking.
 * Accounts get `sub`, `email` and `name` claims.
 *
 * Clients can be registered after the server is up (`register`), since their redirect
 * URIs (an Api's callback URL) are often known only once the app runs.
 */
import http from "node:http";
import type net from "node:net";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider, { type ClientMetadata } from "oidc-provider";

export interface OidcAccount {
  email?: string;
  name?: string;
}

export interface OidcProviderHandle {
  /** The issuer URL, e.g. http://127.0.0.1:41234 (what discovery is pointed at). */
  issuer: string;
  /** Replace the registered clients. Sessions and codes of earlier clients are dropped. */
  register(clients: ClientMetadata[]): void;
  stop(): Promise<void>;
}

/** A client for the ID-token flow SST's OidcAdapter / GoogleAdapter `mode: "oidc"` uses. */
export function idTokenClient(clientId: string, redirectUri: string): ClientMetadata {
  // "native" lets the redirect be plain http on loopback, as local API URLs are.
  return {
    client_id: clientId, application_type: "native", redirect_uris: [redirectUri],
    response_types: ["id_token"], grant_types: ["implicit"], token_endpoint_auth_method: "none",
  };
}

/** A confidential client for the code flow (with PKCE) of OauthAdapter / `mode: "oauth"`. */
export function codeClient(clientId: string, clientSecret: string, redirectUri: string): ClientMetadata {
  return {
    client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri],
    response_types: ["code"], grant_types: ["authorization_code"], token_endpoint_auth_method: "client_secret_basic",
  };
}

export async function startOidcProvider(opts: { accounts?: Record<string, OidcAccount>; port?: number } = {}): Promise<OidcProviderHandle> {
  let handle: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end("no clients registered yet");
  };
  const server = http.createServer((req, res) => handle(req, res));
  const sockets = new Set<net.Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "local", use: "sig", alg: "RS256" };
  const cookieKeys = [randomBytes(32).toString("hex")];
  const accounts = opts.accounts ?? {};

  return {
    issuer,
    register(clients) {
      const provider = new Provider(issuer, {
        clients,
        jwks: { keys: [signingKey as any] },
        cookies: { keys: cookieKeys },
        claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
        findAccount: (_ctx, id) => ({
          accountId: id,
          claims: () => ({
            sub: id,
            email: accounts[id]?.email ?? (id.includes("@") ? id : `${id}@example.test`),
            email_verified: true,
            name: accounts[id]?.name ?? id,
          }),
        }),
        // The ID token of an ID-token-only answer carries the scope's claims (email).
        conformIdTokenClaims: false,
        features: { devInteractions: { enabled: false } },
        interactions: { url: (_ctx, i) => `/interaction/${i.uid}` },
        pkce: { required: () => false },
        renderError: async (ctx, out) => {
          ctx.type = "json";
          ctx.body = out;
        },
      });
      const callback = provider.callback();
      handle = (req, res) => {
        const m = /^\/interaction\/([^/?]+)(\/login)?(?:\?|$)/.exec(req.url ?? "");
        if (!m) return void callback(req, res);
        interaction(provider, req, res, m[2] === "/login").catch((e) => {
          res.statusCode = 500;
          res.end(String(e?.stack ?? e));
        });
      };
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The sign-in page and its form post; consent is granted for whatever was asked. */
async function interaction(provider: Provider, req: http.IncomingMessage, res: http.ServerResponse, submitted: boolean): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === "login") {
    if (!submitted) {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(
        `<!doctype html><title>Sign in</title><h1>Sign in to the local identity provider</h1>` +
          `<form method="post" action="/interaction/${details.uid}/login">` +
          `<label>Email <input name="login" type="text" required autofocus></label>` +
          `<label>Password <input name="password" type="password" required></label>` +
          `<button type="submit">Sign in</button></form>`,
      );
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    const login = form.get("login")?.trim();
    if (!login) {
      res.statusCode = 400;
      res.end("login is required");
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    return;
  }
  const { session, params, prompt } = details;
  const grant = details.grantId
    ? (await provider.Grant.find(details.grantId))!
    : new provider.Grant({ accountId: session!.accountId, clientId: params.client_id as string });
  const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
