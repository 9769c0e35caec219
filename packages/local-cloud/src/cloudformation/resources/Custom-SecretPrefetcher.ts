/**
 * Custom::SecretPrefetcher (SST's `prefetchSecrets`): writes the values of a function's
 * bound secrets (`SST_Secret_value_<NAME>`, marked `__FETCH_FROM_SSM__`) into its
 * environment at deploy time, reading the stage's path and then the app's fallback,
 * as the handler SST runs on AWS does.
 */
import { randomUUID } from "node:crypto";
import { service, type ProviderContext, type ResourceProvider } from "../provider.js";

const SECRET_ENV = /^SST_Secret_value_(.+)$/;

async function prefetch(props: Record<string, any>, ctx: ProviderContext): Promise<void> {
  const lambda = service(ctx, "lambda");
  const ssm = service(ctx, "ssm");
  const config = await lambda.call("GetFunctionConfiguration", { FunctionName: props.functionName });
  const env: Record<string, string> = { ...(config?.Environment?.Variables ?? {}) };
  const names = Object.keys(env).flatMap((k) => SECRET_ENV.exec(k)?.slice(1) ?? []);
  if (names.length === 0) return;
  const values: Record<string, string> = {};
  for (const prefix of [env.SST_SSM_PREFIX, `/sst/${env.SST_APP}/.fallback/`]) {
    const wanted = names.filter((n) => values[n] === undefined);
    for (let i = 0; i < wanted.length; i += 10) {
      const out = await ssm.call("GetParameters", { Names: wanted.slice(i, i + 10).map((n) => `${prefix}Secret/${n}/value`), WithDecryption: true });
      for (const p of out?.Parameters ?? []) values[String(p.Name).slice(prefix.length).split("/")[1]] = p.Value;
    }
  }
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length) throw new Error(`The following secret values are not set in the "${env.SST_STAGE}" stage: ${missing.join(", ")}`);
  for (const n of names) env[`SST_Secret_value_${n}`] = values[n];
  await lambda.call("UpdateFunctionConfiguration", { FunctionName: props.functionName, Environment: { Variables: env } });
}

export const secretPrefetcher: ResourceProvider = {
  async create(props, ctx) {
    await prefetch(props, ctx);
    return { physicalId: `${ctx.stackName}-${ctx.logicalId}-${randomUUID().slice(0, 8)}` };
  },
  async update(_id, props, _old, ctx) {
    await prefetch(props, ctx);
    return {};
  },
  async delete() {},
};
