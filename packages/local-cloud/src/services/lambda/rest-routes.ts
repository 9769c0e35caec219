/**
 * Lambda's rest-json binding: which HTTP method + path is which operation, how its
 * input is assembled from path labels, query string, headers and JSON body, and the
 * success status each operation answers with.
 */
import { AwsError } from "../../server/aws-error.js";
import type { AwsRequest } from "../../types.js";

export interface RoutedRequest {
  operation: string;
  input: Record<string, unknown>;
  /** The HTTP status of a successful answer. */
  status: number;
}

type Builder = (labels: string[], req: AwsRequest) => Record<string, unknown>;
interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  status: number;
  input: Builder;
}

const FN = "([^/]+)";
const body = (req: AwsRequest): Record<string, unknown> => {
  if (req.body.length === 0) return {};
  try {
    const parsed = JSON.parse(req.body.toString("utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw new AwsError("InvalidRequestContentException", "Could not parse request body into json: Unexpected character", 400);
};
const q = (req: AwsRequest, ...names: string[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const n of names) {
    const v = req.query.get(n);
    if (v === null) continue;
    out[n] = n === "MaxItems" ? toInt(v, "maxItems") : v;
  }
  return out;
};
const fnOnly: Builder = ([name]) => ({ FunctionName: name });

const ROUTES: Route[] = [
  { method: "POST", pattern: /^\/2015-03-31\/functions\/?$/, operation: "CreateFunction", status: 201, input: (_, r) => body(r) },
  { method: "GET", pattern: /^\/2015-03-31\/functions\/?$/, operation: "ListFunctions", status: 200, input: (_, r) => q(r, "Marker", "MaxItems", "FunctionVersion", "MasterRegion") },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${FN}/?$`), operation: "GetFunction", status: 200, input: ([n], r) => ({ FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "DELETE", pattern: new RegExp(`^/2015-03-31/functions/${FN}/?$`), operation: "DeleteFunction", status: 204, input: ([n], r) => ({ FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`), operation: "GetFunctionConfiguration", status: 200, input: ([n], r) => ({ FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "PUT", pattern: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`), operation: "UpdateFunctionConfiguration", status: 200, input: ([n], r) => ({ ...body(r), FunctionName: n }) },
  { method: "PUT", pattern: new RegExp(`^/2015-03-31/functions/${FN}/code/?$`), operation: "UpdateFunctionCode", status: 200, input: ([n], r) => ({ ...body(r), FunctionName: n }) },
  {
    method: "POST",
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/invocations/?$`),
    operation: "Invoke",
    status: 200,
    input: ([n], r) => ({
      FunctionName: n,
      ...q(r, "Qualifier"),
      InvocationType: r.headers["x-amz-invocation-type"],
      LogType: r.headers["x-amz-log-type"],
      ClientContext: r.headers["x-amz-client-context"],
      Payload: r.body,
    }),
  },
  { method: "POST", pattern: new RegExp(`^/2015-03-31/functions/${FN}/policy/?$`), operation: "AddPermission", status: 201, input: ([n], r) => ({ ...body(r), FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${FN}/policy/?$`), operation: "GetPolicy", status: 200, input: ([n], r) => ({ FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "DELETE", pattern: new RegExp(`^/2015-03-31/functions/${FN}/policy/([^/]+)/?$`), operation: "RemovePermission", status: 204, input: ([n, sid], r) => ({ FunctionName: n, StatementId: sid, ...q(r, "Qualifier", "RevisionId") }) },
  { method: "POST", pattern: new RegExp(`^/2015-03-31/functions/${FN}/versions/?$`), operation: "PublishVersion", status: 201, input: ([n], r) => ({ ...body(r), FunctionName: n }) },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${FN}/versions/?$`), operation: "ListVersionsByFunction", status: 200, input: ([n], r) => ({ FunctionName: n, ...q(r, "Marker", "MaxItems") }) },
  { method: "POST", pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/?$`), operation: "CreateAlias", status: 201, input: ([n], r) => ({ ...body(r), FunctionName: n }) },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/?$`), operation: "ListAliases", status: 200, input: ([n], r) => ({ FunctionName: n, ...q(r, "FunctionVersion", "Marker", "MaxItems") }) },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/([^/]+)/?$`), operation: "GetAlias", status: 200, input: ([n, a]) => ({ FunctionName: n, Name: a }) },
  { method: "PUT", pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/([^/]+)/?$`), operation: "UpdateAlias", status: 200, input: ([n, a], r) => ({ ...body(r), FunctionName: n, Name: a }) },
  { method: "DELETE", pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/([^/]+)/?$`), operation: "DeleteAlias", status: 204, input: ([n, a]) => ({ FunctionName: n, Name: a }) },
  { method: "POST", pattern: /^\/2015-03-31\/event-source-mappings\/?$/, operation: "CreateEventSourceMapping", status: 202, input: (_, r) => body(r) },
  { method: "GET", pattern: /^\/2015-03-31\/event-source-mappings\/?$/, operation: "ListEventSourceMappings", status: 200, input: (_, r) => q(r, "EventSourceArn", "FunctionName", "Marker", "MaxItems") },
  { method: "GET", pattern: /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/, operation: "GetEventSourceMapping", status: 200, input: ([u]) => ({ UUID: u }) },
  { method: "PUT", pattern: /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/, operation: "UpdateEventSourceMapping", status: 202, input: ([u], r) => ({ ...body(r), UUID: u }) },
  { method: "DELETE", pattern: /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/, operation: "DeleteEventSourceMapping", status: 202, input: ([u]) => ({ UUID: u }) },
  { method: "POST", pattern: /^\/2017-03-31\/tags\/(.+)$/, operation: "TagResource", status: 204, input: ([arn], r) => ({ ...body(r), Resource: arn }) },
  { method: "GET", pattern: /^\/2017-03-31\/tags\/(.+)$/, operation: "ListTags", status: 200, input: ([arn]) => ({ Resource: arn }) },
  { method: "DELETE", pattern: /^\/2017-03-31\/tags\/(.+)$/, operation: "UntagResource", status: 204, input: ([arn], r) => ({ Resource: arn, TagKeys: r.query.getAll("tagKeys") }) },
  { method: "PUT", pattern: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`), operation: "PutFunctionConcurrency", status: 200, input: ([n], r) => ({ ...body(r), FunctionName: n }) },
  { method: "GET", pattern: new RegExp(`^/2019-09-30/functions/${FN}/concurrency/?$`), operation: "GetFunctionConcurrency", status: 200, input: fnOnly },
  { method: "DELETE", pattern: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`), operation: "DeleteFunctionConcurrency", status: 204, input: fnOnly },
  // Function URLs (function-urls.ts)
  { method: "POST", pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`), operation: "CreateFunctionUrlConfig", status: 201, input: ([n], r) => ({ ...body(r), FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "GET", pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`), operation: "GetFunctionUrlConfig", status: 200, input: ([n], r) => ({ FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "PUT", pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`), operation: "UpdateFunctionUrlConfig", status: 200, input: ([n], r) => ({ ...body(r), FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "DELETE", pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`), operation: "DeleteFunctionUrlConfig", status: 204, input: ([n], r) => ({ FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "GET", pattern: new RegExp(`^/2021-10-31/functions/${FN}/urls/?$`), operation: "ListFunctionUrlConfigs", status: 200, input: ([n], r) => ({ FunctionName: n, ...q(r, "Marker", "MaxItems") }) },
  // Asynchronous invocation settings (event-invoke-configs.ts)
  { method: "PUT", pattern: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/?$`), operation: "PutFunctionEventInvokeConfig", status: 200, input: ([n], r) => ({ ...body(r), FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "POST", pattern: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/?$`), operation: "UpdateFunctionEventInvokeConfig", status: 200, input: ([n], r) => ({ ...body(r), FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "GET", pattern: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/?$`), operation: "GetFunctionEventInvokeConfig", status: 200, input: ([n], r) => ({ FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "DELETE", pattern: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/?$`), operation: "DeleteFunctionEventInvokeConfig", status: 204, input: ([n], r) => ({ FunctionName: n, ...q(r, "Qualifier") }) },
  { method: "GET", pattern: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/list/?$`), operation: "ListFunctionEventInvokeConfigs", status: 200, input: ([n], r) => ({ FunctionName: n, ...q(r, "Marker", "MaxItems") }) },
  { method: "GET", pattern: /^\/2016-08-19\/account-settings\/?$/, operation: "GetAccountSettings", status: 200, input: () => ({}) },
];

export function routeRequest(req: AwsRequest): RoutedRequest {
  // Match on the raw path so an encoded "/" inside a label can't split it; decode labels after.
  for (const route of ROUTES) {
    if (route.method !== req.method) continue;
    const m = route.pattern.exec(req.path);
    if (!m) continue;
    const labels = m.slice(1).map(decodeLabel);
    return { operation: route.operation, input: route.input(labels, req), status: route.status };
  }
  throw new AwsError("UnknownOperationException", `Unknown operation ${req.method} ${req.path}`, 404);
}

export function successStatus(operation: string): number {
  return ROUTES.find((r) => r.operation === operation)?.status ?? 200;
}

function decodeLabel(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new AwsError("ValidationException", `Invalid URL encoding in path: ${s}`, 400);
  }
}

function toInt(v: string, member: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) {
    throw new AwsError("ValidationException", `1 validation error detected: Value '${v}' at '${member}' failed to satisfy constraint: Member must be an integer`, 400);
  }
  return n;
}
