// SST v2's site warmer: keeps `concurrency` instances of each server function warm by
// invoking them together with { type: "warmer" } (the server's injected short-circuit
// holds each invocation for `delay` ms so they land on separate instances). Runs every
// 5 minutes (an EventBridge rule) and once per deploy (Custom::FunctionInvoker).
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

const lambda = new LambdaClient({});

export async function handler() {
  const params = JSON.parse(process.env.WARM_PARAMS ?? "[]");
  const results = await Promise.all(
    params.flatMap(({ concurrency, function: name }) =>
      Array.from({ length: concurrency }, (_, i) =>
        lambda
          .send(new InvokeCommand({ FunctionName: name, InvocationType: "RequestResponse", Payload: Buffer.from(JSON.stringify({ type: "warmer", warmerId: `warmer-${i}`, index: i, concurrency, delay: 75 })) }))
          .then((r) => ({ name, ok: !r.FunctionError }))
          .catch((err) => ({ name, ok: false, error: String(err?.message ?? err) })),
      ),
    ),
  );
  console.log(JSON.stringify({ event: "warmer result", results }));
  return results;
}
