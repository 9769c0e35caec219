/**
 * Test helpers for event source mappings: a local cloud with a poller role and the
 * clients of the sources, a function that logs each event it gets as one JSON line, and
 * a collector of those lines from the cloud's `lambda:log` events.
 */
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateTableCommand, DynamoDBClient, type StreamViewType } from "@aws-sdk/client-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { SQSClient } from "@aws-sdk/client-sqs";
import { zipSync, strToU8 } from "fflate";
import { createPollerRole, type TestCloud } from "../../../../testing.js";
import { useTestCloud } from "../../../../test-fixtures.js";

export interface PollerCloud {
  tc: TestCloud;
  lambda: LambdaClient;
  sqs: SQSClient;
  ddb: DynamoDBClient;
  kinesis: KinesisClient;
}

/** Starts a cloud (with the role "consumer" that may poll every source) before the file's tests, stops it after. */
export function usePollerCloud(): PollerCloud {
  const env = {} as PollerCloud;
  useTestCloud(async (tc) => {
    env.tc = tc;
    await createPollerRole(tc.cloud, "consumer");
    const config = tc.clientConfig;
    return [(env.lambda = new LambdaClient(config)), (env.sqs = new SQSClient(config)), (env.ddb = new DynamoDBClient(config)), (env.kinesis = new KinesisClient(config))];
  });
  return env;
}

/** A table keyed by the string `id` with a DynamoDB stream of `view`: its description. */
export async function createStreamedTable(ddb: DynamoDBClient, name: string, view: StreamViewType) {
  const { TableDescription } = await ddb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: view },
    }),
  );
  return TableDescription!;
}

/** A function that logs `log` (a JS expression over `event`, default the event) and answers `answer`. */
export async function createRecorder(lambda: LambdaClient, name: string, answer = "undefined", log = "event") {
  const source = `export const handler = async (event) => { console.log("EVENT " + JSON.stringify(${log})); return ${answer}; };`;
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: "arn:aws:iam::000000000000:role/consumer",
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.mjs": strToU8(source) }) },
    }),
  );
}

/** Collects the events a function logged, until `until` says enough. */
export function eventsOf(tc: TestCloud, functionName: string) {
  const events: any[] = [];
  const listener = (e: any) => {
    if (e.functionName !== functionName) return;
    const m = /\tINFO\tEVENT (.*)$/.exec(e.line);
    if (m) events.push(JSON.parse(m[1]));
  };
  tc.cloud.events.on("lambda:log", listener);
  return {
    events,
    async until(done: () => boolean, ms = 8000) {
      const deadline = Date.now() + ms;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(events).slice(0, 4000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: () => tc.cloud.events.off("lambda:log", listener),
  };
}
