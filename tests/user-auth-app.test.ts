/**
 * tests/fixtures/user-auth-app: an app written from SST v2's docs — an Api whose default
 * authorizer is a `jwt` one with the Cognito user pool's issuer and client as audience,
 * `defaults.function.bind` giving every route a Table, a `Config.Secret` (set with
 * `sst secrets set`, before `sst dev` and while it runs) and a `Config.Parameter`, read
 * through `sst/node/config` in `ApiHandler`s. Users sign in over SRP, as Amplify does.
 * Driven under `sst dev`; then deployed with `sst deploy --local`.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { CognitoIdentityProviderClient, AdminCreateUserCommand, AdminSetUserPasswordCommand } from "@aws-sdk/client-cognito-identity-provider";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { startDev, warm, type RunningApp } from "./helpers/generated-app.js";
import { runSst } from "./helpers/sst-process.js";
import { readOutputs } from "./helpers/outputs.js";
import { signInWithSrp } from "../packages/local-cloud/src/services/cognito-idp/sign-in.testing.js";

/** A confirmed user with a permanent password (as an admin makes one), signed in over SRP: its id and access tokens. */
async function signedInUser(endpoint: string, out: Record<string, string>, email: string) {
  const idp = new CognitoIdentityProviderClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  try {
    await idp.send(new AdminCreateUserCommand({ UserPoolId: out.UserPoolId, Username: email, MessageAction: "SUPPRESS" }));
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: out.UserPoolId, Username: email, Password: "Passw0rd!", Permanent: true }));
  } finally {
    idp.destroy();
  }
  const session: any = await signInWithSrp(endpoint, out.UserPoolId!, out.UserPoolClientId!, email, "Passw0rd!");
  return { id: session.idToken.getJwtToken() as string, access: session.accessToken.getJwtToken() as string };
}

async function call(url: string, token?: string, body?: unknown) {
  const res = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: (() => { try { return JSON.parse(text); } catch { return undefined; } })() };
}

const sub = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()).sub as string;

describe("a user's Api with a jwt authorizer over Cognito, bound Config and Table (sst dev)", () => {
  let app: string;
  let running: RunningApp;
  let out: Record<string, string>;
  before(async () => {
    app = copyApp(path.join(repoRoot, "tests", "fixtures", "user-auth-app"), "user-auth-app");
    const set = runSst(app, ["secrets", "set", "STRIPE_KEY", "sk_test_4242", "--stage", "dev"]);
    assert.equal(set.code, 0, set.output);
    running = await startDev(app, "dev");
    out = Object.values(readOutputs(app))[0]!;
  });
  after(async () => {
    await running?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("the public route needs no token and reads the Parameter", async () => {
    await warm("GET", `${running.api}/public`);
    assert.deepEqual((await call(`${running.api}/public`)).json, { greeting: "hello from dev", stage: "dev" });
  });

  test("the default authorizer: no token or a forged one is 401; a signed-in user's notes are theirs", async () => {
    const endpoint = new URL(running.api).origin;
    const ada = await signedInUser(endpoint, out, "ada@example.com");
    const bob = await signedInUser(endpoint, out, "bob@example.com");
    assert.equal((await call(`${running.api}/notes`)).status, 401);
    const [head, payload] = ada.id.split(".");
    const forged = `${head}.${payload}.${Buffer.from("not the pool's signature").toString("base64url")}`;
    assert.equal((await call(`${running.api}/notes`, forged)).status, 401);

    await warm("GET", `${running.api}/notes`);
    const created = await call(`${running.api}/notes`, ada.id, { content: "buy milk" });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.userId, sub(ada.id));
    assert.equal((await call(`${running.api}/notes`, ada.id, {})).status, 400);

    const adas = await call(`${running.api}/notes`, ada.access);
    assert.equal(adas.status, 200, adas.text);
    assert.deepEqual(adas.json.notes.map((n: any) => n.content), ["buy milk"]);
    assert.equal(adas.json.greeting, "hello from dev");
    assert.equal(adas.json.stripeKeyEndsWith, "4242");
    assert.deepEqual((await call(`${running.api}/notes`, bob.id)).json.notes, []);
  });

  test("sst secrets set while sst dev runs: the next request reads the new value", async () => {
    const set = runSst(app, ["secrets", "set", "STRIPE_KEY", "sk_test_9999", "--stage", "dev"]);
    assert.equal(set.code, 0, set.output);
    const ada = await signInWithSrp(new URL(running.api).origin, out.UserPoolId!, out.UserPoolClientId!, "ada@example.com", "Passw0rd!") as any;
    const res = await call(`${running.api}/notes`, ada.idToken.getJwtToken());
    assert.equal(res.json?.stripeKeyEndsWith, "9999", res.text);
  });
});

test("the user's jwt/Cognito app deploys with sst deploy --local, its secret set for the stage", () => {
  const app = copyApp(path.join(repoRoot, "tests", "fixtures", "user-auth-app"), "user-auth-app-deploy");
  try {
    const set = runSst(app, ["secrets", "set", "STRIPE_KEY", "sk_live_1234", "--stage", "local"]);
    assert.equal(set.code, 0, set.output);
    const deploy = runSst(app, ["deploy", "--local", "--stage", "local"]);
    assert.equal(deploy.code, 0, deploy.output);
    assert.match(Object.values(readOutputs(app))[0]!.UserPoolId!, /^us-east-1_[0-9A-Za-z]{9}$/);
  } finally {
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  }
});
