/**
 * CloudFront on the wire layer: the checks the declaration drives, in AWS's order —
 * a body that is not XML (MalformedInput), a missing required member (InvalidArgument,
 * before the distribution is looked up), IAM on the distribution's ARN (AccessDenied) —
 * errors as CloudFront's <ErrorResponse> document, and the in-process client typed by
 * the model.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { CloudFrontClient, CreateInvalidationCommand, GetDistributionCommand, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let distributionId: string;
let reader: CloudFrontClient;

before(async () => {
  tc = await startTestCloud();
  const out = await tc.cloud.cloudfront.call("CreateDistribution", {
    DistributionConfig: {
      CallerReference: "wire", Comment: "", Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "bucket.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
      DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    },
  });
  distributionId = out.Distribution!.Id;
  await tc.cloud.iam.call("CreateRole", { RoleName: "viewer", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
  await tc.cloud.iam.call("PutRolePolicy", {
    RoleName: "viewer", PolicyName: "read",
    PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "cloudfront:GetDistribution", Resource: `arn:aws:cloudfront::000000000000:distribution/${distributionId}` }] }),
  });
  const creds = tc.cloud.iam.issueSessionCredentials("arn:aws:iam::000000000000:role/viewer", "s");
  reader = new CloudFrontClient({ ...tc.clientConfig, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken } });
});
after(async () => {
  reader?.destroy();
  await tc.stop();
});

/**
 * Sends `command` as the admin with its HTTP request changed by `edit` before it is
 * signed (a body or path the SDK would not write); the answer's status and raw text.
 */
async function sendEdited(command: any, edit: (req: { path: string; body?: unknown; headers: Record<string, string> }) => void): Promise<{ status: number; text: string }> {
  const client = new CloudFrontClient(tc.clientConfig);
  let answer = { status: 0, text: "" };
  command.middlewareStack.add((next: any) => async (args: any) => {
    edit(args.request);
    return next(args);
  }, { step: "build" });
  // Inside the deserializer: the raw answer, read and handed on unchanged.
  command.middlewareStack.add((next: any) => async (args: any) => {
    const out = await next(args);
    const chunks: Buffer[] = [];
    for await (const chunk of out.response.body) chunks.push(Buffer.from(chunk));
    const bytes = Buffer.concat(chunks);
    answer = { status: out.response.statusCode, text: bytes.toString("utf8") };
    out.response.body = Readable.from([bytes]);
    return out;
  }, { step: "deserialize", priority: "low" });
  await client.send(command).catch(() => {}); // the answer is what the test looks at
  client.destroy();
  return answer;
}

test("IAM: cloudfront:<Operation> on the distribution's ARN", async () => {
  const got = await reader.send(new GetDistributionCommand({ Id: distributionId }));
  assert.equal(got.Distribution!.Id, distributionId);
  await assert.rejects(reader.send(new ListDistributionsCommand({})), (e: any) => {
    assert.equal(e.name, "AccessDenied");
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.match(e.message, /not authorized to perform: cloudfront:ListDistributions on resource: \*/);
    return true;
  });
  await assert.rejects(reader.send(new CreateInvalidationCommand({ DistributionId: distributionId, InvalidationBatch: { CallerReference: "r", Paths: { Quantity: 1, Items: ["/*"] } } })), (e: any) => {
    assert.equal(e.name, "AccessDenied");
    assert.match(e.message, new RegExp(`cloudfront:CreateInvalidation on resource: arn:aws:cloudfront::000000000000:distribution/${distributionId}`));
    return true;
  });
});

test("errors are CloudFront's <ErrorResponse>; a missing required member is refused before the lookup", async () => {
  const missing = await sendEdited(new GetDistributionCommand({ Id: "ENOSUCH0000000" }), () => {});
  assert.equal(missing.status, 404);
  assert.match(missing.text, /^<\?xml[^>]*>\n<ErrorResponse xmlns="http:\/\/cloudfront\.amazonaws\.com\/doc\/2020-05-31\/"><Error><Type>Sender<\/Type><Code>NoSuchDistribution<\/Code>/);

  // No CallerReference, for a distribution that does not exist: the request is invalid first.
  const batch = (body: string) => (req: { body?: unknown; headers: Record<string, string> }) => {
    req.body = body;
    req.headers["content-length"] = String(Buffer.byteLength(body));
  };
  const noCaller = `<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Paths><Quantity>1</Quantity><Items><Path>/a</Path></Items></Paths></InvalidationBatch>`;
  const invalidation = () => new CreateInvalidationCommand({ DistributionId: "ENOSUCH0000000", InvalidationBatch: { CallerReference: "x", Paths: { Quantity: 1, Items: ["/a"] } } });
  const invalid = await sendEdited(invalidation(), batch(noCaller));
  assert.equal(invalid.status, 400);
  assert.match(invalid.text, /<Code>InvalidArgument<\/Code><Message>1 validation error detected: Value null at &apos;invalidationBatch.callerReference&apos; failed to satisfy constraint: Member must not be null<\/Message>/);

  const notXml = await sendEdited(invalidation(), batch("not xml"));
  assert.equal(notXml.status, 400);
  assert.match(notXml.text, /<Code>MalformedInput<\/Code>/);

  const noRoute = await sendEdited(new ListDistributionsCommand({}), (req) => (req.path = "/2019-03-26/distribution"));
  assert.equal(noRoute.status, 404);
  assert.match(noRoute.text, /<Code>InvalidArgument<\/Code>/);
});

test("the in-process client answers the model's shapes", async () => {
  const list = await tc.cloud.cloudfront.call("ListDistributions", {});
  assert.deepEqual(list.DistributionList!.Items!.map((d: { Id: string }) => d.Id), [distributionId]);
  const tags = await tc.cloud.cloudfront.call("ListTagsForResource", { Resource: `arn:aws:cloudfront::000000000000:distribution/${distributionId}` });
  assert.deepEqual(tags.Tags.Items ?? [], []);
});
