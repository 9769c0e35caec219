/** Functions: the deployed Lambda functions with their SST handler, and Invoke. */
import type { ConsoleContext } from "../context.js";
import { ConsoleError, requireString } from "../http.js";

export async function listFunctions(ctx: ConsoleContext) {
  const functions: any[] = [];
  let Marker: string | undefined;
  do {
    const page = await ctx.cloud.lambda.call("ListFunctions", Marker ? { Marker } : {});
    functions.push(...(page?.Functions ?? []));
    Marker = page?.NextMarker;
  } while (Marker);
  return {
    functions: functions
      .map((f) => {
        const id = f.Environment?.Variables?.SST_FUNCTION_ID as string | undefined;
        return {
          name: f.FunctionName as string,
          // The source handler when the dev loop knows this SST function; else Lambda's handler setting.
          handler: (id && ctx.handlerOf?.(id)) || f.Handler,
          fromSource: !!id,
          runtime: f.Runtime,
          memory: f.MemorySize,
          timeout: f.Timeout,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export async function invokeFunction(ctx: ConsoleContext, body: any) {
  const name = requireString(body?.functionName, "functionName");
  const payload = typeof body?.payload === "string" && body.payload.trim() !== "" ? body.payload : "{}";
  try {
    JSON.parse(payload);
  } catch (err) {
    throw new ConsoleError("InvalidRequestContentException", `Could not parse request body into json: ${(err as Error).message}`);
  }
  const out = await ctx.cloud.lambda.call("Invoke", { FunctionName: name, Payload: Buffer.from(payload) });
  const text = out?.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
  return { statusCode: out?.StatusCode, functionError: out?.FunctionError, payload: text, executedVersion: out?.ExecutedVersion };
}
