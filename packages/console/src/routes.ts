/**
 * The Console's JSON API under `/api/`: one table of method + path to handler,
 * each a thin call into the services' in-process API as the admin.
 */
import type { AwsResponse } from "local-cloud";
import type { ConsoleContext, ConsoleRequest } from "./context.js";
import type { InvocationLog } from "./invocation-log.js";
import { json, readJson } from "./http.js";
import { overview } from "./api/overview.js";
import { invokeFunction, listFunctions } from "./api/functions.js";
import { deleteItem, listItems, listTables, putItem } from "./api/dynamodb.js";
import { deleteObject, downloadObject, listBuckets, listObjects, uploadObject } from "./api/s3.js";
import { listQueues, peekMessages, sendMessage } from "./api/sqs.js";
import { listSecrets, removeSecret, setSecret } from "./api/secrets.js";
import { listDatabases, listMigrations, migrate, query } from "./api/rds.js";

type Handler = (ctx: ConsoleContext, req: ConsoleRequest, log: InvocationLog) => Promise<unknown | AwsResponse>;

/** A handler's answer is JSON unless it built its own response (downloads, SSE). */
export class Raw {
  constructor(readonly response: AwsResponse) {}
}

export const ROUTES: Record<string, Handler> = {
  "GET overview": (ctx) => overview(ctx),
  "GET functions": (ctx) => listFunctions(ctx),
  "POST functions/invoke": (ctx, req) => invokeFunction(ctx, readJson(req)),
  "GET invocations": async (_ctx, req, log) => ({ invocations: log.recent(req.query.get("function") ?? undefined) }),
  "GET events": async (_ctx, _req, log) =>
    new Raw({
      status: 200,
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" },
      body: log.stream(),
    }),
  "GET dynamodb/tables": (ctx) => listTables(ctx),
  "GET dynamodb/items": (ctx, req) => listItems(ctx, req.query.get("table") ?? "", req.query),
  "POST dynamodb/put": (ctx, req) => putItem(ctx, req.query.get("table") ?? "", readJson(req)),
  "POST dynamodb/delete": (ctx, req) => deleteItem(ctx, req.query.get("table") ?? "", readJson(req)),
  "GET s3/buckets": (ctx) => listBuckets(ctx),
  "GET s3/objects": (ctx, req) => listObjects(ctx, req.query),
  "GET s3/object": async (ctx, req) => new Raw(await downloadObject(ctx, req.query)),
  "PUT s3/object": (ctx, req) => uploadObject(ctx, req.query, req.body, req.headers["content-type"]),
  "DELETE s3/object": (ctx, req) => deleteObject(ctx, req.query),
  "GET sqs/queues": (ctx) => listQueues(ctx),
  "POST sqs/send": (ctx, req) => sendMessage(ctx, readJson(req)),
  // A receive, even with visibility 0, counts as one: a POST, so only the page can do it.
  "POST sqs/peek": (ctx, req) => peekMessages(ctx, String(readJson(req).queueUrl ?? "")),
  "GET secrets": (ctx) => listSecrets(ctx),
  "PUT secrets": (ctx, req) => setSecret(ctx, readJson(req)),
  "DELETE secrets": (ctx, req) => removeSecret(ctx, req.query.get("name") ?? ""),
  "GET rds/databases": (ctx) => listDatabases(ctx),
  "GET rds/migrations": (ctx, req) => listMigrations(ctx, req.query.get("id") ?? ""),
  "POST rds/migrate": (ctx, req) => migrate(ctx, readJson(req)),
  "POST rds/query": (ctx, req) => query(ctx, readJson(req)),
};

export async function routeApi(ctx: ConsoleContext, log: InvocationLog, req: ConsoleRequest, route: string): Promise<AwsResponse> {
  const handler = ROUTES[`${req.method} ${route}`];
  if (!handler) {
    const known = Object.keys(ROUTES).some((k) => k.endsWith(` ${route}`));
    return json(known ? 405 : 404, { error: { code: known ? "MethodNotAllowed" : "NotFound", message: `No Console API ${req.method} ${route}` } });
  }
  const result = await handler(ctx, req, log);
  return result instanceof Raw ? result.response : json(200, result);
}
