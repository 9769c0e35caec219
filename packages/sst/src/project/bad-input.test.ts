/**
 * Bad input in an app's stacks fails synth with a message naming the construct, the
 * prop and the file and line where the construct was made: an unknown prop, an
 * impossible combination, a missing handler, a duplicate route.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { loadProject, synth } from "./index.js";
import { writeApp, removeApp } from "./fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

const dirs: string[] = [];
after(() => dirs.forEach(removeApp));

/** An app whose only stack runs `body` (line 4 of stacks/Main.ts is its first line). */
async function synthStack(body: string): Promise<void> {
  const dir = writeApp({
    "package.json": JSON.stringify({ name: "bad-app", type: "module", private: true }),
    "sst.config.ts": `
import { Main } from "./stacks/Main";
export default { config() { return { name: "bad-app", region: "us-east-1" }; }, stacks(app) { app.stack(Main); } };
`,
    "stacks/Main.ts": `import { Api, Bucket, Cron, Function, Queue, Table, Topic, StackContext } from "sst/constructs";
import * as s3 from "aws-cdk-lib/aws-s3";
export function Main({ stack }: StackContext) {
${body}
}
`,
    "src/a.ts": "export const handler = async () => 'a';\n",
  });
  dirs.push(dir);
  const project = await loadProject({ cwd: dir, stage: "dev" });
  await synth(project, { mode: "dev" });
}

describe("bad input fails synth naming the construct, the prop and the file", () => {
  const cases: [string, string, RegExp][] = [
    ["an unknown Function prop", `  new Function(stack, "Fn", { handler: "src/a.handler", timout: 30 } as any);`,
      /^Function "Fn" \(stacks\/Main\.ts:4:3\): "timout" is not a prop of Function\. Did you mean "timeout"\?/],
    ["an unknown Api prop", `  new Api(stack, "Api", { route: {} } as any);`,
      /^Api "Api" \(stacks\/Main\.ts:4:3\): "route" is not a prop of Api\. Did you mean "routes"\?/],
    ["an unknown route prop", `  new Api(stack, "Api", { routes: { "GET /": { function: "src/a.handler", autorizer: "iam" } as any } });`,
      /^Api "Api" \(stacks\/Main\.ts:4:3\): "routes\["GET \/"\]\.autorizer" is not a prop of Api\. Did you mean "routes\["GET \/"\]\.authorizer"\?/],
    ["a missing handler in a route", `  new Api(stack, "Api", { routes: { "POST /users": "src/users/create.handler" } });`,
      /^Api "Api" \(stacks\/Main\.ts:4:3\): "routes\["POST \/users"\]\.handler": Could not find file for handler "src\/users\/create\.handler"/],
    ["a duplicate route", `  const api = new Api(stack, "Api", { routes: { "GET /": "src/a.handler" } });\n  api.addRoutes(stack, { "GET  /": "src/a.handler" });`,
      /^Api "Api" \(stacks\/Main\.ts:4:\d+\): "routes\["GET \/"\]": A route already exists for "GET \/": it is defined twice/],
    ["an impossible Table", `  new Table(stack, "T", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" }, consumers: { c: "src/a.handler" } });`,
      /^Table "T" \(stacks\/Main\.ts:4:3\): "consumers\.c": Please enable the "stream" option to add consumers/],
    ["an imported bucket with bucket props", `  new Bucket(stack, "B", { cors: true, cdk: { bucket: new s3.Bucket(stack, "Raw") } });`,
      /^Bucket "B" \(stacks\/Main\.ts:4:3\): "cors" cannot be configured when "cdk\.bucket" is a construct/],
    ["two consumers on a queue", `  const q = new Queue(stack, "Q", { consumer: "src/a.handler" });\n  q.addConsumer(stack, "src/a.handler");`,
      /^Queue "Q" \(stacks\/Main\.ts:4:\d+\): "consumer": Cannot configure more than 1 consumer for a Queue/],
    ["a Cron without a schedule", `  new Cron(stack, "C", { job: "src/a.handler" } as any);`,
      /^Cron "C" \(stacks\/Main\.ts:4:3\): "schedule": No schedule defined for the "C" Cron/],
    ["a topic subscriber without its function file", `  new Topic(stack, "T", { subscribers: { s: "src/gone.handler" } });`,
      /^Topic "T" \(stacks\/Main\.ts:4:3\): "subscribers\.s\.handler": Could not find file for handler/],
  ];
  for (const [name, body, expected] of cases) {
    it(name, async () => {
      await assert.rejects(synthStack(body), (e: Error) => {
        assert.match(e.message, expected);
        return true;
      });
    });
  }
});

describe("a named import a package does not export", () => {
  it("names the app's file and line, the package and the name (SST v2's graphql-apollo imports SST v1's GraphQLApi)", async () => {
    const dir = writeApp({
      "package.json": JSON.stringify({ name: "bad-app", type: "module", private: true }),
      "sst.config.ts": `import { ExampleStack } from "./stacks/ExampleStack";\nexport default { config() { return { name: "bad-app", region: "us-east-1" }; }, stacks(app) { app.stack(ExampleStack); } };\n`,
      "stacks/ExampleStack.ts": `// SST v1's construct\nimport { GraphQLApi, StackContext } from "sst/constructs";\nexport function ExampleStack({ stack }: StackContext) {\n  new GraphQLApi(stack, "Api", {});\n}\n`,
    });
    dirs.push(dir);
    await assert.rejects(loadProject({ cwd: dir, stage: "dev" }), /^Error: stacks\/ExampleStack\.ts:2: "sst\/constructs" has no export named "GraphQLApi"$/);
  });
});
