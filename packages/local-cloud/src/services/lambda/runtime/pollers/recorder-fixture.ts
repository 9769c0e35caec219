/**
 * Test helpers for event source mappings: a function that logs each event it gets as
 * one JSON line, and a collector of those lines from the cloud's `lambda:log` events.
 */
import { CreateFunctionCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync, strToU8 } from "fflate";
import type { TestCloud } from "../../../../testing.js";

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
