/**
 * Custom::SecretPrefetcher — a function with `prefetchSecrets: true` gets its bound
 * secrets' values (`SST_Secret_value_<NAME>`) written into its environment at deploy
 * time, read from the stage's SSM path and then the app's fallback, so it does not
 * read SSM on a cold start. A secret set nowhere fails the deploy, naming it.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import type * as LambdaSdk from "@aws-sdk/client-lambda";
import type * as SsmSdk from "@aws-sdk/client-ssm";
import { awsSdk } from "./aws-sdk.js";
const { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } = awsSdk<typeof LambdaSdk>("@aws-sdk/client-lambda");
const { GetParametersCommand, SSMClient } = awsSdk<typeof SsmSdk>("@aws-sdk/client-ssm");

const SECRET_ENV = /^SST_Secret_value_(.+)$/;

export async function secretPrefetcher(event: CloudFormationCustomResourceEvent, clients = { lambda: new LambdaClient({}), ssm: new SSMClient({}) }): Promise<void> {
  if (event.RequestType === "Delete") return;
  const { functionName } = event.ResourceProperties as Record<string, string>;
  const config = await whileRoleSettles(() => clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })));
  const env: Record<string, string> = { ...(config.Environment?.Variables ?? {}) };
  const names = Object.keys(env).flatMap((k) => SECRET_ENV.exec(k)?.slice(1) ?? []);
  if (names.length === 0) return;
  const values: Record<string, string> = {};
  for (const prefix of [env.SST_SSM_PREFIX, `/sst/${env.SST_APP}/.fallback/`]) {
    const wanted = names.filter((n) => values[n] === undefined);
    for (let i = 0; i < wanted.length; i += 10) {
      const out = await clients.ssm.send(new GetParametersCommand({ Names: wanted.slice(i, i + 10).map((n) => `${prefix}Secret/${n}/value`), WithDecryption: true }));
      for (const p of out.Parameters ?? []) values[p.Name!.slice(prefix.length).split("/")[1]] = p.Value!;
    }
  }
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length) throw new Error(`The following secret values are not set in the "${env.SST_STAGE}" stage: ${missing.join(", ")}`);
  for (const n of names) env[`SST_Secret_value_${n}`] = values[n];
  await whileRoleSettles(() => clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Environment: { Variables: env } })));
}

/** A role's new inline policy takes a few seconds to apply on AWS. */
async function whileRoleSettles<T>(call: () => Promise<T>, attempt = 0): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (/AccessDenied/.test((e as Error)?.name ?? "") && attempt < 10) {
      await new Promise((r) => setTimeout(r, 5000));
      return whileRoleSettles(call, attempt + 1);
    }
    throw e;
  }
}
