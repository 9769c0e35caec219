/**
 * `sst/node/job`: `Job.<id>.run({ payload })` / `.cancel(jobId)` for the Jobs bound to
 * this function (an invocation of the job's manager function), and `JobHandler`, the
 * job's own handler. Payload types come from the app's `JobTypes` augmentation.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { createProxy, getVariables } from "../util/index.js";

export interface JobTypes {}

export type JobRunProps<T extends keyof JobTypes> = { payload?: JobTypes[T] };

export type JobType = { [T in keyof JobTypes]: ReturnType<typeof jobControl<T>> };

let lambda: LambdaClient | undefined;

async function invoke(functionName: string, body: unknown): Promise<{ error?: string; payload?: Uint8Array }> {
  lambda ??= new LambdaClient({});
  const r = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(body)) }));
  return { error: r.FunctionError, payload: r.Payload };
}

function jobControl<Name extends keyof JobTypes>(name: Name, vars: Record<string, string>) {
  const functionName = vars.functionName;
  return {
    async run(props?: JobRunProps<Name>): Promise<{ jobId: string }> {
      const r = await invoke(functionName, { action: "run", payload: props?.payload });
      if (r.error) throw new Error(`Failed to invoke the "${String(name)}" job. Error: ${r.error}`);
      const resp = JSON.parse(Buffer.from(r.payload ?? []).toString());
      return { jobId: resp.jobId };
    },
    async cancel(jobId: string): Promise<void> {
      const r = await invoke(functionName, { action: "cancel", jobId });
      if (r.error) throw new Error(`Failed to cancel the "${String(name)}" job id ${jobId}. Error: ${r.error}`);
    },
  };
}

export const Job: JobType = /* @__PURE__ */ (() => {
  const controls: Record<string, unknown> = {};
  for (const [name, vars] of Object.entries(getVariables("Job"))) controls[name] = jobControl(name as keyof JobTypes, vars);
  return createProxy<JobType>("Job", () => controls);
})();

/** The job's handler: receives the payload given to `Job.<id>.run()`. */
export function JobHandler<C extends keyof JobTypes>(_name: C, cb: (payload: JobTypes[C]) => void) {
  return function handler(event: any) {
    return cb(event as JobTypes[C]);
  };
}
