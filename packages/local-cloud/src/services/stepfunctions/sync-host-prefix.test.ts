/**
 * StartSyncExecution's `sync-` host prefix: the SDK sends it to `sync-<endpoint host>`.
 * Function code gets the local cloud's endpoint (`http://127.0.0.1:<port>`), and a plain
 * `new SFNClient()` there reaches the cloud unchanged: its resolver knows
 * `sync-127.0.0.1`, and the cloud answers that Host.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { zipSync, strToU8 } from "fflate";
import { SFNClient, CreateStateMachineCommand, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import { LambdaClient, CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { HostNames } from "../../server/web-origin.js";
import { startTestCloud, type TestCloud } from "../../testing.js";

const trust = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

describe("StartSyncExecution's sync- host prefix", () => {
  let tc: TestCloud;
  let stateMachineArn: string;

  before(async () => {
    tc = await startTestCloud();
    await tc.cloud.iam.call("CreateRole", { RoleName: "machine", AssumeRolePolicyDocument: trust("states.amazonaws.com") });
    await tc.cloud.iam.call("CreateRole", { RoleName: "caller", AssumeRolePolicyDocument: trust("lambda.amazonaws.com") });
    await tc.cloud.iam.call("PutRolePolicy", { RoleName: "caller", PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "states:StartSyncExecution", Resource: "*" }] }) });
    const sfn = new SFNClient({ ...tc.clientConfig, disableHostPrefix: true });
    const definition = JSON.stringify({ StartAt: "Greet", States: { Greet: { Type: "Pass", Parameters: { "greeting.$": "States.Format('hello {}', $.who)" }, End: true } } });
    ({ stateMachineArn } = (await sfn.send(new CreateStateMachineCommand({ name: "greeter", type: "EXPRESS", definition, roleArn: "arn:aws:iam::000000000000:role/machine" }))) as { stateMachineArn: string });
  });
  after(() => tc.stop());

  it("a function's plain SFNClient starts a sync execution through the local endpoint", { timeout: 30_000 }, async () => {
    const code = `import { SFNClient, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
      const sfn = new SFNClient({});
      export const handler = async (e) => {
        const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: e.arn, input: JSON.stringify({ who: "fn" }) }));
        return { status: r.status, output: r.output };
      };`;
    const lambda = new LambdaClient(tc.clientConfig);
    await lambda.send(new CreateFunctionCommand({ FunctionName: "starter", Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/caller", Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) } }));
    const r = await lambda.send(new InvokeCommand({ FunctionName: "starter", Payload: Buffer.from(JSON.stringify({ arn: stateMachineArn })) }));
    const answer = JSON.parse(Buffer.from(r.Payload!).toString());
    assert.equal(r.FunctionError, undefined, JSON.stringify(answer));
    assert.deepEqual(answer, { status: "SUCCEEDED", output: JSON.stringify({ greeting: "hello fn" }) });
  });

  it("the cloud answers the SDK's sync- Host (a process of one's own brings a resolver for the name)", async () => {
    // Outside a function nothing resolves `sync-127.0.0.1`: this agent's lookup does, as a user's own could.
    const agent = new http.Agent({ lookup: (_host, opts, cb) => (opts.all ? (cb as any)(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4)) });
    const { NodeHttpHandler } = await import("@smithy/node-http-handler");
    const sfn = new SFNClient({ ...tc.clientConfig, requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
    const hosts: string[] = [];
    sfn.middlewareStack.add((next) => async (args: any) => {
      hosts.push(args.request.hostname);
      return next(args);
    }, { step: "finalizeRequest" });
    const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify({ who: "sdk" }) }));
    assert.deepEqual(hosts, ["sync-127.0.0.1"]);
    assert.equal(r.output, JSON.stringify({ greeting: "hello sdk" }));
    agent.destroy();
  });

  it("sync- is taken only before the names the cloud answers to", () => {
    const names = new HostNames(["dev.example.test"]);
    for (const ok of ["sync-127.0.0.1:4570", "sync-localhost:4570", "sync-dev.example.test", "sync-states.localhost:1"]) assert.ok(names.allows(ok), ok);
    for (const refused of ["sync-evil.example:4570", "sync-:4570", "sync-127.0.0.2.example"]) assert.ok(!names.allows(refused), refused);
  });
});
