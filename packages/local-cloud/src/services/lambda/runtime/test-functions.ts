/**
 * For the runtime's tests: writes handler files into a fresh code directory under
 * `root` and returns a FunctionDefinition for them (names fn1, fn2, … with `prefix`).
 */
import { after } from "node:test";
import { EventEmitter } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LambdaCloud } from "./cloud-deps.js";
import { LambdaRuntime, type FunctionDefinition } from "./runtime.js";

/**
 * The little of the local cloud the runtime needs, for its tests: IAM issues role
 * credentials as "ASIA<length of the session name>" with the token "tok-<role name>".
 */
export function testCloud(events: EventEmitter): LambdaCloud {
  return {
    region: "us-east-1",
    accountId: "000000000000",
    endpoint: "http://127.0.0.1:9",
    events,
    iam: { call: async () => ({}), issueSessionCredentials: (role: string, session: string) => ({ AccessKeyId: "ASIA" + session.length, SecretAccessKey: "s", SessionToken: `tok-${role.split("/").pop()}` }) },
  } as unknown as LambdaCloud;
}

export function functionMaker(root: string, prefix: string, defaults: Partial<FunctionDefinition> = {}) {
  let n = 0;
  return (files: Record<string, string>, over: Partial<FunctionDefinition> = {}): FunctionDefinition => {
    const name = `${prefix}${++n}`;
    const dir = join(root, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return {
      functionName: name,
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      version: "$LATEST",
      runtime: "nodejs20.x",
      handler: "index.handler",
      codeDir: dir,
      codeSha256: "sha",
      revisionId: "r1",
      timeoutSeconds: 3,
      memoryMb: 128,
      role: "arn:aws:iam::000000000000:role/my-role",
      environment: {},
      ...defaults,
      ...over,
    };
  };
}

/**
 * What a runtime test file shares: a temporary code folder, a stand-in cloud with its event
 * bus, and a runtime of three environments, all ended when the file's tests are done.
 */
export function runtimeUnderTest(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const events = new EventEmitter();
  const cloud = testCloud(events);
  const runtime = new LambdaRuntime(cloud, { maxConcurrency: 3 });
  after(() => {
    runtime.close();
    rmSync(root, { recursive: true, force: true });
  });
  return { root, events, cloud, runtime };
}
