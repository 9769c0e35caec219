/**
 * Secrets: the app's Config secrets, stored as SST v2 stores them, a SecureString at
 * `{ssmPrefix}Secret/{NAME}/value` (the same names `sst secrets set` writes).
 */
import type { ConsoleContext } from "../context.js";
import { ConsoleError, requireString } from "../http.js";

function root(ctx: ConsoleContext): string {
  return `${ctx.ssmPrefix}Secret/`;
}

function parameterName(ctx: ConsoleContext, name: unknown): string {
  const key = requireString(name, "name");
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key))
    throw new ConsoleError("ValidationException", `Invalid secret name "${key}": use letters, digits and underscores, starting with a letter`);
  return `${root(ctx)}${key}/value`;
}

export async function listSecrets(ctx: ConsoleContext) {
  const params: any[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ctx.cloud.ssm.call("GetParametersByPath", { Path: root(ctx), Recursive: true, WithDecryption: true, ...(NextToken ? { NextToken } : {}) });
    params.push(...(page?.Parameters ?? []));
    NextToken = page?.NextToken;
  } while (NextToken);
  const secrets = params
    .map((p) => ({ m: /^(.*)\/value$/.exec(String(p.Name).slice(root(ctx).length)), p }))
    .filter(({ m }) => m)
    .map(({ m, p }) => ({ name: m![1], value: p.Value as string, updatedAt: p.LastModifiedDate }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { prefix: root(ctx), secrets };
}

export async function setSecret(ctx: ConsoleContext, body: any) {
  const Name = parameterName(ctx, body?.name);
  if (typeof body?.value !== "string" || body.value === "") throw new ConsoleError("ValidationException", "value is required");
  await ctx.cloud.ssm.call("PutParameter", {
    Name,
    Value: body.value,
    Type: "SecureString",
    Overwrite: true,
    Tier: Buffer.byteLength(body.value) > 4096 ? "Advanced" : "Standard",
  });
  return { name: body.name };
}

export async function removeSecret(ctx: ConsoleContext, name: string) {
  await ctx.cloud.ssm.call("DeleteParameter", { Name: parameterName(ctx, name) });
  return { removed: name };
}
