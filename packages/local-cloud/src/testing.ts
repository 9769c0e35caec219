/**
 * Test helper: a LocalCloud on a free port with state in a fresh temp dir, and the
 * AWS SDK v3 client configuration that reaches it as the admin.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { LocalCloud, type LocalCloudOptions } from "./cloud.js";
import { ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY, DEFAULT_REGION } from "./types.js";

export interface TestCloud {
  cloud: LocalCloud;
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: true;
  };
  stop(): Promise<void>;
}

export async function startTestCloud(opts: { dir?: string; options?: Omit<LocalCloudOptions, "dir" | "port"> } = {}): Promise<TestCloud> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "local-cloud-test-"));
  const cloud = await LocalCloud.start({ ...opts.options, dir, port: 0 });
  return {
    cloud,
    clientConfig: {
      endpoint: cloud.endpoint,
      region: DEFAULT_REGION,
      credentials: { accessKeyId: ADMIN_ACCESS_KEY_ID, secretAccessKey: ADMIN_SECRET_ACCESS_KEY },
      forcePathStyle: true,
    },
    async stop() {
      await cloud.stop();
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The AWS CLI to use as a second real client: Debian's awscli (v2) when installed,
 * else whatever `aws` is on PATH, else undefined (tests then skip, saying so).
 */
export function awsCliPath(): string | undefined {
  if (fs.existsSync("/usr/bin/aws")) return "/usr/bin/aws";
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "aws");
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The environment the AWS CLI runs with in tests: the admin, no profile or config file of the machine's. */
export function awsCliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: ADMIN_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: ADMIN_SECRET_ACCESS_KEY,
    AWS_DEFAULT_REGION: DEFAULT_REGION,
    // A path that cannot exist rather than /dev/null: nothing the CLI or a test does with
    // its config file can then touch a device the whole machine shares.
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_PAGER: "",
  };
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  return env;
}

export type AwsCli = (...args: string[]) => Promise<any>;

/**
 * Runs `aws --endpoint-url <endpoint> --output json <args>` and parses what it prints;
 * rejects with the CLI's stderr on failure. Undefined when no AWS CLI is installed.
 */
export function awsCli(endpoint: string): AwsCli | undefined {
  const cli = awsCliPath();
  if (!cli) return undefined;
  const run = promisify(execFile);
  return async (...args) => {
    const { stdout } = await run(cli, ["--endpoint-url", endpoint, "--output", "json", ...args], {
      env: awsCliEnv(),
      timeout: 90_000,
    });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
}

/**
 * An IAM role a Lambda function can run as, allowed what event source pollers need
 * (receive and delete on SQS, read DynamoDB streams and Kinesis) plus `extraActions`.
 * Returns its ARN.
 */
export async function createPollerRole(cloud: LocalCloud, name: string, extraActions: string[] = []): Promise<string> {
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
  const role = await cloud.iam.call("CreateRole", { RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) });
  const actions = [
    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility", "sqs:SendMessage",
    "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams",
    "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListStreams", "kinesis:ListShards",
    ...extraActions,
  ];
  const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] };
  await cloud.iam.call("PutRolePolicy", { RoleName: name, PolicyName: "pollers", PolicyDocument: JSON.stringify(policy) });
  return role.Role.Arn;
}
