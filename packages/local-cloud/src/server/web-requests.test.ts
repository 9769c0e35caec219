/**
 * The request gate against a running local cloud: requests a web page could send (or a
 * DNS-rebound page, or a forged presigned URL) are refused with the error AWS gives,
 * before any service acts; the same calls from an SDK or with non-admin credentials go
 * through. (The same attacks from a real browser page: tests/browser-attacks.test.ts.)
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { S3Client, CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketCorsCommand } from "@aws-sdk/client-s3";
import { startTestCloud, type TestCloud } from "../testing.js";
import { ADMIN, presignedUrl, sendRaw, sendSigned, type Credentials } from "../test-signing.js";
import { postPolicySignature } from "../services/s3/wire/post-object.js";

let tc: TestCloud;
let endpoint: string;
let role: Credentials;

const ddbList = { service: "dynamodb", headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.ListTables" }, body: "{}" };

before(async () => {
  tc = await startTestCloud();
  endpoint = tc.cloud.endpoint;
  await tc.cloud.iam.call("CreateRole", {
    RoleName: "page-role",
    AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
  });
  await tc.cloud.iam.call("PutRolePolicy", {
    RoleName: "page-role",
    PolicyName: "list",
    PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:ListTables", Resource: "*" }] }),
  });
  role = tc.cloud.iam.issueSessionCredentials("arn:aws:iam::000000000000:role/page-role", "page");
  await new S3Client(tc.clientConfig).send(new CreateBucketCommand({ Bucket: "forms" }));
});
after(() => tc.stop());

describe("Host must name the local cloud (DNS rebinding)", () => {
  test("a signed request for another host name is refused before the service, 421", async () => {
    const port = new URL(endpoint).port;
    const res = await sendSigned({ endpoint, ...ddbList, host: `evil.example:${port}` });
    assert.equal(res.status, 421);
    assert.match(res.body, /MisdirectedRequest/);
    assert.match(res.body, /not \\"evil\.example:\d+\\"/);
    const unsigned = await sendRaw(`${endpoint}/_aws/health`, { headers: { host: `rebind.attacker.test:${port}` } });
    assert.equal(unsigned.status, 421);
  });

  test("loopback names and *.localhost are answered", async () => {
    const port = new URL(endpoint).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `forms.s3.localhost:${port}`, `[::1]:${port}`]) {
      const res = await sendRaw(`${endpoint}/_aws/health`, { headers: { host } });
      assert.equal(res.status, 200, host);
    }
  });

  test("names given in allowedHosts are answered too", async () => {
    const other = await startTestCloud();
    await other.cloud.stop();
    const { LocalCloud } = await import("../cloud.js");
    const cloud = await LocalCloud.start({ dir: other.cloud.dir, port: 0, allowedHosts: ["dev.example.test"] });
    try {
      const res = await sendRaw(`${cloud.endpoint}/_aws/health`, { headers: { host: `Dev.Example.Test:${cloud.port}` } });
      assert.equal(res.status, 200);
      assert.equal((await sendRaw(`${cloud.endpoint}/_aws/health`, { headers: { host: `example.test:${cloud.port}` } })).status, 421);
    } finally {
      await cloud.stop();
      await other.stop();
    }
  });
});

describe("the admin key is unknown to requests a web page sent", () => {
  test("Origin or Sec-Fetch-Site (other than none) makes the admin key unknown, in each protocol's words", async () => {
    const pages: Record<string, string>[] = [{ origin: "http://evil.example" }, { origin: "null" }, { "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, { "sec-fetch-site": "same-origin" }];
    for (const page of pages) {
      const json = await sendSigned({ endpoint, ...ddbList, unsigned: page });
      assert.equal(json.status, 400, JSON.stringify(page));
      assert.equal(JSON.parse(json.body).__type, "com.amazon.coral.service#UnrecognizedClientException");
      assert.match(JSON.parse(json.body).message, /admin key is refused on requests a web page sends/);
    }
    const lambda = await sendSigned({ endpoint, service: "lambda", method: "GET", path: "/2015-03-31/functions/", unsigned: { origin: "http://evil.example" } });
    assert.equal(lambda.status, 403);
    assert.equal(lambda.headers["x-amzn-errortype"], "UnrecognizedClientException");
    const iam = await sendSigned({ endpoint, service: "iam", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=CreateRole&Version=2010-05-08&RoleName=pwned&AssumeRolePolicyDocument=%7B%7D", unsigned: { origin: "http://evil.example" } });
    assert.equal(iam.status, 403);
    assert.match(iam.body, /<Code>InvalidClientTokenId<\/Code>/);
    const s3 = await sendSigned({ endpoint, service: "s3", method: "GET", path: "/forms", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, unsigned: { "sec-fetch-site": "cross-site" } });
    assert.equal(s3.status, 403);
    assert.match(s3.body, /<Code>InvalidAccessKeyId<\/Code>/);
    await assert.rejects(tc.cloud.iam.call("GetRole", { RoleName: "pwned" }), { name: "NoSuchEntity" });
  });

  test("the same request from an SDK, or typed into the address bar (Sec-Fetch-Site: none), is the admin's", async () => {
    assert.equal((await sendSigned({ endpoint, ...ddbList })).status, 200);
    assert.equal((await sendSigned({ endpoint, ...ddbList, unsigned: { "sec-fetch-site": "none" } })).status, 200);
  });

  test("credentials that are not the admin's work from a page, under their role's policies, with CORS as DynamoDB answers it", async () => {
    const preflight = await sendRaw(endpoint, {
      method: "OPTIONS",
      headers: { host: new URL(endpoint).host, origin: "http://app.localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type,x-amz-date,x-amz-security-token,x-amz-target" },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers["access-control-allow-origin"], "*");
    assert.match(String(preflight.headers["access-control-allow-headers"]), /x-amz-target/);
    const res = await sendSigned({ endpoint, ...ddbList, credentials: role, headers: { ...ddbList.headers, "x-amz-security-token": role.sessionToken! }, unsigned: { origin: "http://app.localhost:5173" } });
    assert.equal(res.status, 200, res.body);
    assert.ok(Array.isArray(JSON.parse(res.body).TableNames));
    assert.equal(res.headers["access-control-allow-origin"], "*");
  });

  test("an S3 preflight is answered from the bucket's CORS rules, whatever signature its URL carries", async () => {
    const s3 = new S3Client(tc.clientConfig);
    await s3.send(new PutBucketCorsCommand({ Bucket: "forms", CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["http://app.localhost:5173"], AllowedMethods: ["PUT"], AllowedHeaders: ["*"] }] } }));
    const url = await presignedUrl({ endpoint, service: "s3", method: "PUT", path: "/forms/upload.txt", credentials: role, query: { "X-Amz-Security-Token": role.sessionToken! }, headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    const preflight = (origin: string) =>
      sendRaw(url, { method: "OPTIONS", headers: { host: new URL(endpoint).host, origin, "access-control-request-method": "PUT", "access-control-request-headers": "content-type" } });
    const allowed = await preflight("http://app.localhost:5173");
    assert.equal(allowed.status, 200, allowed.body);
    assert.equal(allowed.headers["access-control-allow-origin"], "http://app.localhost:5173");
    const other = await preflight("http://evil.example");
    assert.equal(other.status, 403);
    assert.match(other.body, /CORSResponse/);
  });

  test("an S3 POST form signed with the admin key is refused from a page, taken from a script", async () => {
    const form = (key: string) => {
      const date = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
      const credential = `test/${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
      const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 60_000).toISOString(), conditions: [{ bucket: "forms" }, { key }, { "x-amz-credential": credential }, { "x-amz-algorithm": "AWS4-HMAC-SHA256" }, { "x-amz-date": date }] })).toString("base64");
      const data = new FormData();
      for (const [k, v] of Object.entries({ key, "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-credential": credential, "x-amz-date": date, policy, "x-amz-signature": postPolicySignature("test", date.slice(0, 8), "us-east-1", policy) })) data.set(k, v);
      data.set("file", new Blob(["<script>alert(1)</script>"], { type: "text/html" }), "x.html");
      return data;
    };
    const page = await fetch(`${endpoint}/forms`, { method: "POST", body: form("page.html"), headers: { origin: "http://evil.example" } });
    assert.equal(page.status, 403);
    assert.match(await page.text(), /<Code>InvalidAccessKeyId<\/Code>/);
    const s3 = new S3Client(tc.clientConfig);
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: "forms", Key: "page.html" })), { name: "NotFound" });
    const script = await fetch(`${endpoint}/forms`, { method: "POST", body: form("script.html") });
    assert.equal(script.status, 204);
    await s3.send(new HeadObjectCommand({ Bucket: "forms", Key: "script.html" }));
  });
});

describe("query-string signatures only where AWS takes them", () => {
  test("presigned Lambda, IAM and DynamoDB calls are refused as unauthenticated; nothing is created", async () => {
    const lambda = await sendRaw(await presignedUrl({ endpoint, service: "lambda", path: "/2015-03-31/functions/" }));
    assert.equal(lambda.status, 403);
    assert.equal(JSON.parse(lambda.body).message.startsWith("Missing Authentication Token"), true);
    assert.equal(lambda.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");

    const createRole = await presignedUrl({ endpoint, service: "iam", query: { Action: "CreateRole", Version: "2010-05-08", RoleName: "presigned", AssumeRolePolicyDocument: "{}" } });
    const iam = await sendRaw(createRole);
    assert.equal(iam.status, 403);
    assert.match(iam.body, /<Code>MissingAuthenticationToken<\/Code>/);
    await assert.rejects(tc.cloud.iam.call("GetRole", { RoleName: "presigned" }), { name: "NoSuchEntity" });

    const ddb = await sendRaw(await presignedUrl({ endpoint, ...ddbList, method: "POST" }), { method: "POST", headers: ddbList.headers, body: "{}" });
    assert.equal(ddb.status, 400);
    assert.equal(JSON.parse(ddb.body).__type, "com.amazon.coral.service#MissingAuthenticationTokenException");
  });

  test("presigned STS GetCallerIdentity (EKS / Vault identity proof) and S3 GET are taken", async () => {
    const sts = await sendRaw(await presignedUrl({ endpoint, service: "sts", query: { Action: "GetCallerIdentity", Version: "2011-06-15" } }));
    assert.equal(sts.status, 200, sts.body);
    assert.match(sts.body, /<Arn>arn:aws:iam::000000000000:root<\/Arn>/);
    const s3 = await sendRaw(await presignedUrl({ endpoint, service: "s3", path: "/forms", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }));
    assert.equal(s3.status, 200, s3.body);
  });

  test("a presigned URL dated years ahead is not valid yet; one without X-Amz-Expires is malformed", async () => {
    const future = await presignedUrl({ endpoint, service: "s3", path: "/forms", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, expiresIn: 604_800, signingDate: new Date(Date.now() + 2 * 365 * 86_400_000) });
    const res = await sendRaw(future);
    assert.equal(res.status, 403);
    assert.match(res.body, /<Code>AccessDenied<\/Code><Message>Request is not valid yet<\/Message>/);
    const url = new URL(await presignedUrl({ endpoint, service: "s3", path: "/forms", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }));
    url.searchParams.delete("X-Amz-Expires");
    const noExpiry = await sendRaw(url.toString());
    assert.equal(noExpiry.status, 400);
    assert.match(noExpiry.body, /<Code>AuthorizationQueryParametersError<\/Code>/);
  });
});

describe("payloads outside S3 are always signed, and of their protocol's content type", () => {
  test("UNSIGNED-PAYLOAD on a JSON service fails the signature, changed body or not", async () => {
    const res = await sendSigned({ endpoint, ...ddbList, headers: { ...ddbList.headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).__type, "com.amazon.coral.service#InvalidSignatureException");
  });

  test("DynamoDB answers a text/plain body 404 UnknownOperationException, as AWS does", async () => {
    const res = await sendSigned({ endpoint, ...ddbList, headers: { ...ddbList.headers, "content-type": "text/plain" } });
    assert.equal(res.status, 404);
    assert.equal(res.body, "<UnknownOperationException/>\n");
    const json = await sendSigned({ endpoint, ...ddbList, headers: { ...ddbList.headers, "content-type": "application/json" } });
    assert.equal(json.status, 200);
  });

  test("Lambda refuses a text/plain or form body with 415, before the signature is looked at", async () => {
    for (const type of ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await sendSigned({ endpoint, service: "lambda", path: "/2015-03-31/functions", headers: { "content-type": type }, body: '{"FunctionName":"pwned"}' });
      assert.equal(res.status, 415, type);
      assert.equal(res.headers["x-amzn-errortype"], "UnsupportedMediaTypeException");
    }
    await assert.rejects(tc.cloud.lambda.call("GetFunction", { FunctionName: "pwned" }), { name: "ResourceNotFoundException" });
  });

  test("the SDKs' own requests are untouched by all of this", async () => {
    assert.ok((await new DynamoDBClient(tc.clientConfig).send(new ListTablesCommand({}))).TableNames);
    assert.equal((await new STSClient(tc.clientConfig).send(new GetCallerIdentityCommand({}))).Account, "000000000000");
    await assert.rejects(new S3Client(tc.clientConfig).send(new GetObjectCommand({ Bucket: "forms", Key: "none" })), { name: "NoSuchKey" });
  });
});
