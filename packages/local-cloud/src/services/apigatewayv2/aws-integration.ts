/**
 * AWS service integrations of HTTP APIs (AWS_PROXY with an IntegrationSubtype): the
 * route calls EventBridge, SQS or Step Functions directly, with its parameters mapped from the request
 * (`$request.body.name`, `$request.header.x`, `$context.requestId`, literals …), as
 * the integration's role (CredentialsArn), whose policies the local IAM enforces.
 * Subtypes of services the local cloud does not have answer 500, as a broken
 * integration does on AWS.
 */
import type { GatewayRequest } from "../../lambda-proxy/http-request.js";
import type { GatewayResponse } from "../../lambda-proxy/response-map.js";
import { internalError } from "../../lambda-proxy/response-map.js";

type Doc = Record<string, any>;

export interface ServiceLike {
  call(operation: string, input: any, ctx?: any): Promise<any>;
}

/** The services each supported subtype calls, and the operation. */
const SUBTYPES: Record<string, { service: string; operation: string; input: (p: Doc) => Doc }> = {
  "EventBridge-PutEvents": {
    service: "eventbridge",
    operation: "PutEvents",
    input: (p) => ({
      Entries: [compact({
        Detail: p.Detail, DetailType: p.DetailType, Source: p.Source, EventBusName: p.EventBusName,
        Resources: p.Resources ? String(p.Resources).split(",") : undefined, Time: p.Time ? new Date(p.Time) : undefined,
        TraceHeader: p.TraceHeader,
      })],
    }),
  },
  "SQS-SendMessage": {
    service: "sqs",
    operation: "SendMessage",
    input: (p) => compact({
      QueueUrl: p.QueueUrl, MessageBody: p.MessageBody, DelaySeconds: num(p.DelaySeconds),
      MessageAttributes: p.MessageAttributes ? JSON.parse(p.MessageAttributes) : undefined,
      MessageDeduplicationId: p.MessageDeduplicationId, MessageGroupId: p.MessageGroupId,
    }),
  },
  "SQS-ReceiveMessage": {
    service: "sqs",
    operation: "ReceiveMessage",
    input: (p) => compact({
      QueueUrl: p.QueueUrl, MaxNumberOfMessages: num(p.MaxNumberOfMessages), VisibilityTimeout: num(p.VisibilityTimeout),
      WaitTimeSeconds: num(p.WaitTimeSeconds), ReceiveRequestAttemptId: p.ReceiveRequestAttemptId,
    }),
  },
  "SQS-DeleteMessage": { service: "sqs", operation: "DeleteMessage", input: (p) => ({ QueueUrl: p.QueueUrl, ReceiptHandle: p.ReceiptHandle }) },
  "SQS-PurgeQueue": { service: "sqs", operation: "PurgeQueue", input: (p) => ({ QueueUrl: p.QueueUrl }) },
  "StepFunctions-StartExecution": {
    service: "stepfunctions",
    operation: "StartExecution",
    input: (p) => compact({ stateMachineArn: p.StateMachineArn, name: p.Name, input: p.Input, traceHeader: p.TraceHeader }),
  },
  "StepFunctions-StartSyncExecution": {
    service: "stepfunctions",
    operation: "StartSyncExecution",
    input: (p) => compact({ stateMachineArn: p.StateMachineArn, name: p.Name, input: p.Input, traceHeader: p.TraceHeader }),
  },
  "StepFunctions-StopExecution": {
    service: "stepfunctions",
    operation: "StopExecution",
    input: (p) => compact({ executionArn: p.ExecutionArn, error: p.Error, cause: p.Cause }),
  },
};

export function supportsSubtype(subtype: string): boolean {
  return subtype in SUBTYPES;
}

/** Resolves one mapping value against the request: `$request.body.a.b`, `$request.header.h`, … or a literal. */
export function mapValue(expr: string, gw: GatewayRequest, ctx: { pathParameters?: Record<string, string>; stageVariables?: Record<string, string>; requestId: string; routeKey?: string }): string | undefined {
  return expr.replace(/\$\{?(request\.body(?:\.[\w.]+)?|request\.header\.[\w-]+|request\.querystring\.[\w-]+|request\.path\.\w+|request\.path|context\.\w+|stageVariables\.\w+)\}?/g, (whole, ref: string) => {
    const v = lookup(ref, gw, ctx);
    return v === undefined ? "" : v;
  });
}

function lookup(ref: string, gw: GatewayRequest, ctx: { pathParameters?: Record<string, string>; stageVariables?: Record<string, string>; requestId: string; routeKey?: string }): string | undefined {
  if (ref === "request.body") return gw.body.toString("utf8");
  if (ref.startsWith("request.body.")) {
    let v: any;
    try {
      v = JSON.parse(gw.body.toString("utf8"));
    } catch {
      return undefined;
    }
    for (const k of ref.slice("request.body.".length).split(".")) v = v?.[k];
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  }
  if (ref.startsWith("request.header.")) return gw.headers[ref.slice("request.header.".length).toLowerCase()];
  if (ref.startsWith("request.querystring.")) return new URLSearchParams(gw.rawQueryString).get(ref.slice("request.querystring.".length)) ?? undefined;
  if (ref === "request.path") return gw.routePath;
  if (ref.startsWith("request.path.")) return ctx.pathParameters?.[ref.slice("request.path.".length)];
  if (ref.startsWith("stageVariables.")) return ctx.stageVariables?.[ref.slice("stageVariables.".length)];
  if (ref === "context.requestId") return ctx.requestId;
  if (ref === "context.routeKey") return ctx.routeKey;
  if (ref === "context.stage") return gw.stage;
  if (ref === "context.httpMethod") return gw.method;
  return undefined;
}

/** Calls the integration's service as its role and answers with the service's JSON. */
export async function callAwsIntegration(
  integration: Doc, gw: GatewayRequest,
  ctx: { pathParameters?: Record<string, string>; stageVariables?: Record<string, string>; requestId: string; routeKey?: string; region: string },
  serviceOf: (name: string) => ServiceLike | undefined,
): Promise<GatewayResponse> {
  const spec = SUBTYPES[integration.IntegrationSubtype];
  const svc = spec && serviceOf(spec.service);
  if (!spec || !svc) return internalError();
  const params: Doc = {};
  for (const [name, expr] of Object.entries<string>(integration.RequestParameters ?? {})) {
    const v = mapValue(String(expr), gw, ctx);
    if (v !== undefined && v !== "") params[name] = v;
  }
  const roleArn = integration.CredentialsArn;
  const principal = roleArn ? { accessKeyId: "", arn: roleArn, admin: false, roleArn } : undefined;
  try {
    const out = await svc.call(spec.operation, spec.input(params), principal ? { region: ctx.region, principal, requestId: ctx.requestId } : undefined);
    return json(200, out ?? {});
  } catch (err: any) {
    // API Gateway passes the service's error status through with its message.
    const status = typeof err?.status === "number" ? err.status : typeof err?.statusCode === "number" ? err.statusCode : 500;
    return json(status >= 400 && status < 600 ? status : 500, { message: err?.message ?? "Internal Server Error" });
  }
}

function json(status: number, body: unknown): GatewayResponse {
  return { status, headers: { "content-type": "application/json" }, setCookies: [], body: Buffer.from(JSON.stringify(body)) };
}

function num(v: unknown): number | undefined {
  return v === undefined || v === "" ? undefined : Number(v);
}

function compact<T extends Doc>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
