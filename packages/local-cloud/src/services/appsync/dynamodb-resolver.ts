/**
 * AppSync's DynamoDB data sources: the request a mapping template produced
 * (`{"version": "2017-02-28", "operation": "GetItem", "key": {…}}`) becomes the
 * DynamoDB call it stands for, made on the local cloud's DynamoDB, and the result is
 * what the response template sees as `$ctx.result`: the item as plain JSON, or
 * `{items, nextToken, scannedCount}` for Query and Scan.
 */
import { unmarshall } from "@aws-sdk/util-dynamodb";

type Doc = Record<string, any>;

export interface DynamoDbCaller {
  call(operation: string, input: any): Promise<any>;
}

/** AppSync's error for a request it cannot turn into a DynamoDB call. */
export class DynamoRequestError extends Error {}

const expression = (e: Doc | undefined) => e && {
  expression: e.expression as string,
  names: e.expressionNames as Record<string, string> | undefined,
  values: e.expressionValues as Record<string, unknown> | undefined,
};

/** Merges the names and values of several expressions into one call's. */
function expressionInputs(...parts: (ReturnType<typeof expression>)[]) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const p of parts) {
    if (!p) continue;
    Object.assign(names, p.names ?? {});
    Object.assign(values, p.values ?? {});
  }
  return compact({
    ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
    ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
  });
}

function compact<T extends Doc>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const item = (i: Doc | undefined) => (i ? unmarshall(i) : null);
const token = (key: Doc | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString("base64") : null);
const fromToken = (t: unknown) => (typeof t === "string" && t ? JSON.parse(Buffer.from(t, "base64").toString("utf8")) : undefined);

export async function runDynamoDbRequest(dynamodb: DynamoDbCaller, tableName: string, request: Doc): Promise<unknown> {
  const op = request.operation;
  switch (op) {
    case "GetItem": {
      const out = await dynamodb.call("GetItem", { TableName: tableName, Key: request.key, ConsistentRead: request.consistentRead });
      return item(out.Item);
    }
    case "PutItem": {
      const condition = expression(request.condition);
      const Item = { ...(request.attributeValues ?? {}), ...(request.key ?? {}) };
      await dynamodb.call("PutItem", compact({ TableName: tableName, Item, ConditionExpression: condition?.expression, ...expressionInputs(condition) }));
      return unmarshall(Item);
    }
    case "UpdateItem": {
      const update = expression(request.update);
      const condition = expression(request.condition);
      if (!update) throw new DynamoRequestError("An UpdateItem request needs an update expression.");
      const out = await dynamodb.call("UpdateItem", compact({
        TableName: tableName, Key: request.key, UpdateExpression: update.expression, ConditionExpression: condition?.expression,
        ReturnValues: "ALL_NEW", ...expressionInputs(update, condition),
      }));
      return item(out.Attributes);
    }
    case "DeleteItem": {
      const condition = expression(request.condition);
      const out = await dynamodb.call("DeleteItem", compact({ TableName: tableName, Key: request.key, ConditionExpression: condition?.expression, ReturnValues: "ALL_OLD", ...expressionInputs(condition) }));
      return item(out.Attributes);
    }
    case "Query":
    case "Scan": {
      const query = expression(request.query);
      const filter = expression(request.filter);
      if (op === "Query" && !query) throw new DynamoRequestError("A Query request needs a query expression.");
      const out = await dynamodb.call(op, compact({
        TableName: tableName, IndexName: request.index, Limit: request.limit, ExclusiveStartKey: fromToken(request.nextToken),
        KeyConditionExpression: query?.expression, FilterExpression: filter?.expression, ConsistentRead: request.consistentRead,
        ScanIndexForward: op === "Query" ? request.scanIndexForward : undefined, Select: request.select, ...expressionInputs(query, filter),
      }));
      return { items: (out.Items ?? []).map((i: Doc) => unmarshall(i)), nextToken: token(out.LastEvaluatedKey), scannedCount: out.ScannedCount ?? 0 };
    }
    default:
      throw new DynamoRequestError(`The local cloud does not run the DynamoDB operation ${String(op)} from a mapping template.`);
  }
}
