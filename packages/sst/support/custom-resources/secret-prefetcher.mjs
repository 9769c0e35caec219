// Custom::SecretPrefetcher — a function with `prefetchSecrets: true` gets its bound
// secrets' values written into its environment at deploy time, so it does not read
// SSM on a cold start. Values come from the stage's path, else the app's fallback.
import { LambdaClient, GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { SSMClient, GetParametersCommand } from "@aws-sdk/client-ssm";

const SECRET_ENV = /^SST_Secret_value_(.+)$/;

export async function secretPrefetcher(event) {
  if (event.RequestType === "Delete") return;
  const { functionName } = event.ResourceProperties;
  const lambda = new LambdaClient({});
  const config = await retryWhileRoleSettles(() => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })));
  const env = { ...(config.Environment?.Variables ?? {}) };
  const names = Object.keys(env).flatMap((k) => (SECRET_ENV.test(k) ? [SECRET_ENV.exec(k)[1]] : []));
  if (names.length === 0) return;
  const values = await readSecrets(env.SST_SSM_PREFIX, env.SST_APP, names);
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length) throw new Error(`The following secret values are not set in the "${env.SST_STAGE}" stage: ${missing.join(", ")}`);
  for (const n of names) env[`SST_Secret_value_${n}`] = values[n];
  await retryWhileRoleSettles(() => lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Environment: { Variables: env } })));
}

async function readSecrets(prefix, app, names) {
  const ssm = new SSMClient({});
  const values = {};
  for (const base of [prefix, `/sst/${app}/.fallback/`]) {
    const wanted = names.filter((n) => values[n] === undefined);
    for (let i = 0; i < wanted.length; i += 10) {
      const batch = wanted.slice(i, i + 10);
      const out = await ssm.send(new GetParametersCommand({ Names: batch.map((n) => `${base}Secret/${n}/value`), WithDecryption: true }));
      for (const p of out.Parameters ?? []) values[p.Name.slice(base.length).split("/")[1]] = p.Value;
    }
  }
  return values;
}

// A role's new inline policy takes a few seconds to apply on AWS.
async function retryWhileRoleSettles(call, attempt = 0) {
  try {
    return await call();
  } catch (e) {
    if (/AccessDenied/.test(e?.name ?? "") && attempt < 10) {
      await new Promise((r) => setTimeout(r, 5000));
      return retryWhileRoleSettles(call, attempt + 1);
    }
    throw e;
  }
}
