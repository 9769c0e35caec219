/**
 * A web page signing users up and in against the local Cognito, as a browser app does
 * with amazon-cognito-identity-js (what Amplify builds on): the page is on another origin
 * than the local cloud, so every call is a cross-origin, unsigned JSON request with a
 * CORS preflight. Sign-up, SRP sign-in (a wrong password refused with Cognito's words) and
 * GetUser work from the page. Skipped, saying so, when /usr/bin/chromium is absent.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Browser } from "playwright-core";
import { startTestCloud, type TestCloud } from "../packages/local-cloud/src/testing.js";
import { hasChromium, launchChromium, noteIfNoChromium } from "./helpers/chromium.js";
import { repoRoot } from "./helpers/app-copy.js";

noteIfNoChromium("tests/cognito-browser.test.ts");

let tc: TestCloud;
let site: http.Server;
let siteUrl = "";
let browser: Browser | undefined;
let poolId = "";
let clientId = "";

const library = path.join(repoRoot, "node_modules/amazon-cognito-identity-js/dist/amazon-cognito-identity.min.js");

before(async () => {
  if (!hasChromium) return;
  tc = await startTestCloud();
  poolId = (await tc.cloud.cognitoidp.call("CreateUserPool", { PoolName: "web", UsernameAttributes: ["email"], AutoVerifiedAttributes: ["email"] })).UserPool.Id;
  clientId = (await tc.cloud.cognitoidp.call("CreateUserPoolClient", { UserPoolId: poolId, ClientName: "web" })).UserPoolClient.ClientId;
  site = http.createServer((req, res) => {
    if (req.url === "/cognito.js") {
      res.setHeader("content-type", "text/javascript");
      return res.end(fs.readFileSync(library));
    }
    res.setHeader("content-type", "text/html");
    res.end(`<!doctype html><script src="/cognito.js"></script><body>app</body>`);
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  siteUrl = `http://localhost:${(site.address() as { port: number }).port}/`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  site?.close();
  await tc?.stop();
});

/** The page's own code: what a browser app writes with the library. */
const PAGE_SCRIPT = `
const { CognitoUserPool, CognitoUser, CognitoUserAttribute, AuthenticationDetails } = window.AmazonCognitoIdentity;
window.signUp = (c, email, password) => new Promise((resolve, reject) =>
  new CognitoUserPool(c).signUp(email, password, [new CognitoUserAttribute({ Name: "email", Value: email })], [], (err, r) => (err ? reject(err) : resolve(r.userSub))));
window.signInAndRead = (c, email, password) => new Promise((resolve) => {
  const user = new CognitoUser({ Username: email, Pool: new CognitoUserPool(c) });
  user.authenticateUser(new AuthenticationDetails({ Username: email, Password: password }), {
    onFailure: (e) => resolve(e.code + ": " + e.message),
    onSuccess: () => user.getUserAttributes((err, attrs) => resolve(err ? String(err) : {
      sub: attrs.find((a) => a.Name === "sub").Value, email: attrs.find((a) => a.Name === "email").Value,
    })),
  });
});
`;

test("a page signs up, is confirmed, signs in over SRP and reads its user, across origins", { skip: !hasChromium }, async () => {
  const page = await browser!.newPage();
  await page.goto(siteUrl);
  await page.addScriptTag({ content: PAGE_SCRIPT });
  const config = JSON.stringify({ UserPoolId: poolId, ClientId: clientId, endpoint: `${tc.cloud.endpoint}/` });
  const sub = await page.evaluate(`signUp(${config}, "web@example.com", "Passw0rd!")`) as string;
  assert.match(sub, /^[0-9a-f-]{36}$/);
  await tc.cloud.cognitoidp.call("AdminConfirmSignUp", { UserPoolId: poolId, Username: "web@example.com" });
  assert.deepEqual(await page.evaluate(`signInAndRead(${config}, "web@example.com", "Passw0rd!")`), { sub, email: "web@example.com" });
  assert.equal(await page.evaluate(`signInAndRead(${config}, "web@example.com", "Wr0ngPass!")`), "NotAuthorizedException: Incorrect username or password.");
  await page.close();
});
