/**
 * `sst local`: the local cloud alone, in the foreground, for other clients. Driven here
 * by the AWS CLI v2 (Debian's awscli), a real client written in another language with
 * its own wire-protocol code — and its state outlives a restart.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { awsCli, awsCliEnv, awsCliPath } from "../packages/local-cloud/src/testing.js";
import { SstProcess } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";

const run = promisify(execFile);
const cli = awsCliPath();

describe("sst local with the AWS CLI", { skip: cli ? false : "the AWS CLI is not installed (apt-get install awscli)" }, () => {
  let dir: string;
  let work: string;
  let port: number;
  let local: SstProcess;
  let endpoint: string;

  async function start() {
    local = new SstProcess(work, ["local", "--port", String(port), "--dir", dir]);
    await local.waitFor(/^Ready/, 60_000);
    endpoint = `http://127.0.0.1:${port}`;
    assert.ok(local.output.includes(endpoint), local.output);
  }

  const aws = (...args: string[]): Promise<any> => awsCli(endpoint)!(...args);

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "sst-local-"));
    dir = path.join(work, "state");
    port = await freePort();
    await start();
  });
  after(async () => {
    await local?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test("DynamoDB: create a table, write, read, query", async () => {
    await aws(
      "dynamodb", "create-table", "--table-name", "notes",
      "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
      "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
      "--billing-mode", "PAY_PER_REQUEST",
    );
    for (let i = 1; i <= 3; i++) {
      await aws("dynamodb", "put-item", "--table-name", "notes", "--item", JSON.stringify({ pk: { S: "a" }, sk: { N: String(i) }, text: { S: `note ${i}` } }));
    }
    const got = await aws("dynamodb", "get-item", "--table-name", "notes", "--key", JSON.stringify({ pk: { S: "a" }, sk: { N: "2" } }));
    assert.equal(got.Item.text.S, "note 2");
    const q = await aws(
      "dynamodb", "query", "--table-name", "notes",
      "--key-condition-expression", "pk = :p AND sk > :s",
      "--expression-attribute-values", JSON.stringify({ ":p": { S: "a" }, ":s": { N: "1" } }),
    );
    assert.equal(q.Count, 2);
    await assert.rejects(
      aws("dynamodb", "get-item", "--table-name", "missing", "--key", JSON.stringify({ pk: { S: "a" } })),
      (err: any) => /ResourceNotFoundException/.test(err.stderr),
    );
  });

  test("S3: make a bucket, copy a file up and down", async () => {
    const file = path.join(work, "hello.txt");
    fs.writeFileSync(file, "hello from the CLI\n");
    await run(cli!, ["--endpoint-url", endpoint, "s3", "mb", "s3://cli-bucket"], { env: awsCliEnv() });
    await run(cli!, ["--endpoint-url", endpoint, "s3", "cp", file, "s3://cli-bucket/dir/hello.txt"], { env: awsCliEnv() });
    const listed = await aws("s3api", "list-objects-v2", "--bucket", "cli-bucket", "--prefix", "dir/");
    assert.deepEqual(listed.Contents.map((o: any) => o.Key), ["dir/hello.txt"]);
    const back = path.join(work, "back.txt");
    await run(cli!, ["--endpoint-url", endpoint, "s3", "cp", "s3://cli-bucket/dir/hello.txt", back], { env: awsCliEnv() });
    assert.equal(fs.readFileSync(back, "utf8"), "hello from the CLI\n");
  });

  test("SQS and SSM", async () => {
    const { QueueUrl } = await aws("sqs", "create-queue", "--queue-name", "cli-queue");
    await aws("sqs", "send-message", "--queue-url", QueueUrl, "--message-body", "ping");
    const received = await aws("sqs", "receive-message", "--queue-url", QueueUrl, "--wait-time-seconds", "1");
    assert.equal(received.Messages[0].Body, "ping");
    await aws("ssm", "put-parameter", "--name", "/cli/secret", "--value", "s3cr3t", "--type", "SecureString");
    const p = await aws("ssm", "get-parameter", "--name", "/cli/secret", "--with-decryption");
    assert.equal(p.Parameter.Value, "s3cr3t");
  });

  test("CloudFormation: `aws cloudformation deploy` a template", async () => {
    const template = path.join(work, "template.json");
    fs.writeFileSync(
      template,
      JSON.stringify({
        Resources: {
          Jobs: { Type: "AWS::SQS::Queue", Properties: { QueueName: "cfn-jobs" } },
          Param: { Type: "AWS::SSM::Parameter", Properties: { Name: "/cfn/queue", Type: "String", Value: { Ref: "Jobs" } } },
        },
        Outputs: { QueueArn: { Value: { "Fn::GetAtt": ["Jobs", "Arn"] } } },
      }),
    );
    await run(cli!, ["--endpoint-url", endpoint, "cloudformation", "deploy", "--stack-name", "cli-stack", "--template-file", template], {
      env: awsCliEnv(),
      timeout: 120_000,
    });
    const stacks = await aws("cloudformation", "describe-stacks", "--stack-name", "cli-stack");
    assert.equal(stacks.Stacks[0].StackStatus, "CREATE_COMPLETE");
    assert.equal(stacks.Stacks[0].Outputs[0].OutputValue, "arn:aws:sqs:us-east-1:000000000000:cfn-jobs");
    const p = await aws("ssm", "get-parameter", "--name", "/cfn/queue");
    assert.match(p.Parameter.Value, /\/000000000000\/cfn-jobs$/);
  });

  test("state outlives a restart", async () => {
    await local.stop();
    await start();
    const got = await aws("dynamodb", "get-item", "--table-name", "notes", "--key", JSON.stringify({ pk: { S: "a" }, sk: { N: "3" } }));
    assert.equal(got.Item.text.S, "note 3");
    const head = await aws("s3api", "head-object", "--bucket", "cli-bucket", "--key", "dir/hello.txt");
    assert.equal(head.ContentLength, 19);
  });
});
