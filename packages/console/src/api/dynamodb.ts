/** DynamoDB: tables, a page of items (Scan, or Query on the partition key), put and delete. */
import type { ConsoleContext } from "../context.js";
import { ConsoleError, requireString } from "../http.js";
import { plainItem, typedItem } from "./attribute-json.js";

export async function listTables(ctx: ConsoleContext) {
  const names: string[] = [];
  let ExclusiveStartTableName: string | undefined;
  do {
    const page = await ctx.cloud.dynamodb.call("ListTables", ExclusiveStartTableName ? { ExclusiveStartTableName } : {});
    names.push(...(page?.TableNames ?? []));
    ExclusiveStartTableName = page?.LastEvaluatedTableName;
  } while (ExclusiveStartTableName);
  const tables = await Promise.all(names.map((name) => describe(ctx, name)));
  return { tables };
}

async function describe(ctx: ConsoleContext, name: string) {
  const t = (await ctx.cloud.dynamodb.call("DescribeTable", { TableName: name }))?.Table ?? {};
  const types = new Map<string, string>((t.AttributeDefinitions ?? []).map((a: any) => [a.AttributeName, a.AttributeType]));
  const key = (t.KeySchema ?? []).map((k: any) => ({ name: k.AttributeName, role: k.KeyType, type: types.get(k.AttributeName) }));
  return { name, status: t.TableStatus, itemCount: t.ItemCount, key };
}

/**
 * One page of items. `start` is the LastEvaluatedKey of the previous page (typed JSON,
 * as the page got it); `pk` queries one partition instead of scanning.
 */
export async function listItems(ctx: ConsoleContext, table: string, q: URLSearchParams) {
  const TableName = requireString(table, "table");
  const info = await describe(ctx, TableName);
  const limit = Math.min(Math.max(Number(q.get("limit")) || 25, 1), 200);
  const input: any = { TableName, Limit: limit };
  const start = q.get("start");
  if (start) {
    try {
      input.ExclusiveStartKey = JSON.parse(start);
    } catch {
      throw new ConsoleError("ValidationException", "The start key is not valid JSON");
    }
  }
  const pk = q.get("pk");
  let out: any;
  if (pk !== null && pk !== "") {
    const hash = info.key.find((k: any) => k.role === "HASH");
    if (!hash) throw new ConsoleError("ValidationException", `Table ${TableName} has no partition key`);
    if (hash.type === "N" && !Number.isFinite(Number(pk))) throw new ConsoleError("ValidationException", `${hash.name} is a number; "${pk}" is not`);
    input.KeyConditionExpression = "#pk = :pk";
    input.ExpressionAttributeNames = { "#pk": hash.name };
    input.ExpressionAttributeValues = { ":pk": hash.type === "N" ? { N: pk } : hash.type === "B" ? { B: Buffer.from(pk, "base64") } : { S: pk } };
    out = await ctx.cloud.dynamodb.call("Query", input);
  } else {
    out = await ctx.cloud.dynamodb.call("Scan", input);
  }
  const keyNames = info.key.map((k: any) => k.name as string);
  const items = (out?.Items ?? []).map((typed: Record<string, any>) => ({
    key: Object.fromEntries(keyNames.filter((k: string) => k in typed).map((k: string) => [k, typed[k]])),
    plain: plainItem(typed) ?? null,
    typed,
  }));
  return { table: info, items, next: out?.LastEvaluatedKey ? JSON.stringify(out.LastEvaluatedKey) : null };
}

/** Create or replace an item: `{ item, typed }`; a plain item is converted to typed JSON. */
export async function putItem(ctx: ConsoleContext, table: string, body: any) {
  const TableName = requireString(table, "table");
  let item = body?.item;
  if (typeof item === "string") {
    try {
      item = JSON.parse(item);
    } catch (err) {
      throw new ConsoleError("SerializationException", `The item is not valid JSON: ${(err as Error).message}`);
    }
  }
  const Item = body?.typed ? item : typedItem(item);
  if (!Item || typeof Item !== "object" || Array.isArray(Item)) throw new ConsoleError("ValidationException", "An item must be a JSON object");
  await ctx.cloud.dynamodb.call("PutItem", { TableName, Item });
  return { ok: true };
}

export async function deleteItem(ctx: ConsoleContext, table: string, body: any) {
  const TableName = requireString(table, "table");
  if (!body?.key || typeof body.key !== "object") throw new ConsoleError("ValidationException", "key is required");
  await ctx.cloud.dynamodb.call("DeleteItem", { TableName, Key: body.key });
  return { ok: true };
}
