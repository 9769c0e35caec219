/**
 * `AWS` integrations of REST APIs that call a service (DynamoDB, SQS, SNS, S3,
 * EventBridge, Kinesis, Step Functions …): the URI names the service and either an action
 * (`arn:aws:apigateway:{region}:dynamodb:action/PutItem`) or a path
 * (`arn:aws:apigateway:{region}:sqs:path/{account}/{queue}`, `…:s3:path/{bucket}/{key}`).
 * The request goes over the local cloud's own wire, SigV4-signed with a session of the
 * integration's `Credentials` role, so the service checks that role's policies exactly
 * as it checks any caller's: an action is a JSON-protocol call (`X-Amz-Target`) for
 * JSON services and an awsQuery call (`?Action=…&Version=…`, the template's output as
 * the form body) for SQS, SNS, STS and IAM, as API Gateway sends them; a path is the
 * integration's HTTP method on that path. The service's answer (status, headers, body)
 * is the integration's answer.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../../../kernel/sha256.js";
import dynamodb from "../../../wire/models/dynamodb.js";
import events from "../../../wire/models/events.js";
import kinesis from "../../../wire/models/kinesis.js";
import lambda from "../../../wire/models/lambda.js";
import logs from "../../../wire/models/logs.js";
import secretsmanager from "../../../wire/models/secretsmanager.js";
import sns from "../../../wire/models/sns.js";
import sqs from "../../../wire/models/sqs.js";
import ssm from "../../../wire/models/ssm.js";
import sts from "../../../wire/models/sts.js";
import iam from "../../../wire/models/iam.js";
import stepfunctions from "../../../wire/models/stepfunctions.js";
import type { IntegrationAnswer } from "./integration-mapping.js";
import type { LocalIntegrationService } from "./integration-services.js";

/** What the REST data plane needs to call services as an integration's role. */
export interface AwsServiceWire {
  /** `http://127.0.0.1:<port>` of this cloud. */
  endpoint(): string;
  /** Session credentials of the role when API Gateway may assume it (its trust policy says so), else undefined. */
  credentialsFor(roleArn: string): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
}

interface ServiceFacts {
  protocol: string;
  apiVersion: string;
  signingName: string;
  jsonVersion?: string;
  targetPrefix?: string;
}

/** The services an `action/` URI can name, by the name in the URI. SQS is called as API Gateway calls it: awsQuery. */
const SERVICES: Record<LocalIntegrationService, ServiceFacts> = {
  dynamodb: dynamodb.metadata, events: events.metadata, kinesis: kinesis.metadata, lambda: lambda.metadata, logs: logs.metadata,
  secretsmanager: secretsmanager.metadata, sns: sns.metadata, sqs: { ...sqs.metadata, protocol: "query" }, ssm: ssm.metadata, sts: sts.metadata,
  iam: iam.metadata, s3: { protocol: "rest-xml", apiVersion: "2006-03-01", signingName: "s3" }, states: stepfunctions.metadata,
};

export interface ServiceCall {
  /** `arn:aws:apigateway:{region}:{service}:{action|path}/{…}` with `{name}` placeholders filled. */
  uri: string;
  httpMethod: string;
  body: Buffer;
  /** Lower-case names: what parameter mapping put on the integration request. */
  headers: Record<string, string>;
  querystring: Map<string, string[]>;
  roleArn: string | undefined;
  region: string;
  timeoutMs: number;
}

/** Why a service integration could not be called: API Gateway answers 500 for each. */
export type ServiceCallFailure = "bad-uri" | "unknown-service" | "no-credentials" | "timeout" | "unreachable";

export async function callAwsService(call: ServiceCall, wire: AwsServiceWire): Promise<IntegrationAnswer | ServiceCallFailure> {
  const m = /^arn:aws[\w-]*:apigateway:[^:]*:([^:]+):(action|path)\/(.+)$/s.exec(call.uri);
  if (!m) return "bad-uri";
  const [, serviceName, kind, rest] = m;
  const facts = (SERVICES as Record<string, ServiceFacts | undefined>)[serviceName!.split(".")[0]!];
  if (!facts) return "unknown-service";
  const credentials = call.roleArn ? wire.credentialsFor(call.roleArn) : undefined;
  if (!credentials) return "no-credentials";

  const url = new URL(wire.endpoint());
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of call.querystring) query[k] = v.length === 1 ? v[0]! : v;
  const headers: Record<string, string> = { ...call.headers, host: url.host };
  let method = call.httpMethod.toUpperCase();
  let path = "/";
  let body = call.body;
  if (kind === "action") {
    method = "POST";
    if (facts.protocol === "json") {
      headers["x-amz-target"] = `${facts.targetPrefix}.${rest}`;
      headers["content-type"] = `application/x-amz-json-${facts.jsonVersion ?? "1.0"}`;
      if (!body.length) body = Buffer.from("{}");
    } else {
      query.Action = rest!;
      query.Version ??= facts.apiVersion;
      headers["content-type"] ??= "application/x-www-form-urlencoded";
    }
  } else {
    path = `/${rest!.split("/").map((p) => encodeURIComponent(decodeURIComponentSafe(p))).join("/")}`;
  }
  delete headers["content-length"];
  const signer = new SignatureV4({ service: facts.signingName, region: call.region, credentials, sha256: Sha256 as any });
  const signed = await signer.sign({ method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port) || undefined, path, query, headers, body: body.length ? body : undefined });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
  const sendHeaders = { ...(signed.headers as Record<string, string>) };
  delete sendHeaders.host;
  let res: Response;
  try {
    res = await fetch(`${url.origin}${path}${search.size ? `?${search}` : ""}`, {
      method, headers: sendHeaders, body: method === "GET" || method === "HEAD" || !body.length ? undefined : new Uint8Array(body),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (err) {
    return (err as Error)?.name === "TimeoutError" ? "timeout" : "unreachable";
  }
  const answerHeaders: Record<string, string> = {};
  res.headers.forEach((v, k) => (answerHeaders[k] = v));
  return { status: res.status, headers: answerHeaders, body: Buffer.from(await res.arrayBuffer()) };
}

function decodeURIComponentSafe(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Whether a role's trust policy lets a service principal (`apigateway.amazonaws.com`) assume it: an Allow of sts:AssumeRole naming it, no Deny. */
export function serviceMayAssume(trustPolicy: string, service: string): boolean {
  let doc: any;
  try {
    doc = JSON.parse(trustPolicy);
  } catch {
    return false;
  }
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  let allowed = false;
  for (const st of list(doc?.Statement) as any[]) {
    if (!list(st?.Action).some((a) => typeof a === "string" && /^(\*|sts:\*|sts:assumerole)$/i.test(a))) continue;
    if (!(st?.Principal === "*" || list(st?.Principal?.Service).includes(service))) continue;
    if (st.Effect === "Deny") return false;
    if (st.Effect === "Allow") allowed = true;
  }
  return allowed;
}
