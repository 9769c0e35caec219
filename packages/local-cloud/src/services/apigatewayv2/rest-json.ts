/**
 * The REST-JSON binding of the management API: which HTTP method and path is which
 * operation, where its inputs come from (path labels, query string, JSON body), and
 * the status each success answers with. Errors go out as AWS's rest-json errors: the
 * code in `x-amzn-ErrorType`, the message in `{"message": …}`.
 */
import type { AwsRequest, AwsResponse } from "../../types.js";
import { AwsError } from "../../server/aws-error.js";
import { fromWireShape, toWireShape } from "./wire-case.js";

interface Binding {
  operation: string;
  method: string;
  path: string;
  status: number;
}

const BINDINGS: Binding[] = [
  ["CreateApi", "POST", "/v2/apis", 201],
  ["GetApis", "GET", "/v2/apis", 200],
  ["GetApi", "GET", "/v2/apis/{ApiId}", 200],
  ["UpdateApi", "PATCH", "/v2/apis/{ApiId}", 200],
  ["DeleteApi", "DELETE", "/v2/apis/{ApiId}", 204],
  ["DeleteCorsConfiguration", "DELETE", "/v2/apis/{ApiId}/cors", 204],
  ...(["Route", "Integration", "Authorizer", "Deployment", "Stage"] as const).flatMap((kind) => {
    const plural = `/v2/apis/{ApiId}/${kind.toLowerCase()}s`;
    const one = `${plural}/{${kind === "Stage" ? "StageName" : kind + "Id"}}`;
    return [
      [`Create${kind}`, "POST", plural, 201],
      [`Get${kind}s`, "GET", plural, 200],
      [`Get${kind}`, "GET", one, 200],
      [`Update${kind}`, "PATCH", one, 200],
      [`Delete${kind}`, "DELETE", one, 204],
    ] as [string, string, string, number][];
  }),
  ["CreateDomainName", "POST", "/v2/domainnames", 201],
  ["GetDomainNames", "GET", "/v2/domainnames", 200],
  ["GetDomainName", "GET", "/v2/domainnames/{DomainName}", 200],
  ["UpdateDomainName", "PATCH", "/v2/domainnames/{DomainName}", 200],
  ["DeleteDomainName", "DELETE", "/v2/domainnames/{DomainName}", 204],
  ["CreateApiMapping", "POST", "/v2/domainnames/{DomainName}/apimappings", 201],
  ["GetApiMappings", "GET", "/v2/domainnames/{DomainName}/apimappings", 200],
  ["GetApiMapping", "GET", "/v2/domainnames/{DomainName}/apimappings/{ApiMappingId}", 200],
  ["UpdateApiMapping", "PATCH", "/v2/domainnames/{DomainName}/apimappings/{ApiMappingId}", 200],
  ["DeleteApiMapping", "DELETE", "/v2/domainnames/{DomainName}/apimappings/{ApiMappingId}", 204],
  ["TagResource", "POST", "/v2/tags/{ResourceArn}", 201],
  ["GetTags", "GET", "/v2/tags/{ResourceArn}", 200],
  ["UntagResource", "DELETE", "/v2/tags/{ResourceArn}", 204],
].map(([operation, method, path, status]) => ({ operation, method, path, status }) as Binding);

const QUERY_MEMBERS: Record<string, string> = { maxResults: "MaxResults", nextToken: "NextToken" };

export interface ParsedOperation {
  operation: string;
  input: Record<string, any>;
  status: number;
  /** The path with labels filled in, for the IAM resource ARN ("/apis/abc/routes/def"). */
  resourcePath: string;
}

function matchTemplate(template: string, segments: string[]): Record<string, string> | undefined {
  const parts = template.split("/").filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const labels: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const label = /^\{(\w+)\}$/.exec(parts[i]);
    if (label) {
      try {
        labels[label[1]] = decodeURIComponent(segments[i]);
      } catch {
        throw new AwsError("BadRequestException", `Invalid path parameter ${label[1]}`, 400);
      }
    } else if (parts[i] !== segments[i]) return undefined;
  }
  return labels;
}

/** Maps a management request to its operation and SDK-shaped input. */
export function parseRestJson(req: AwsRequest): ParsedOperation {
  const segments = req.path.split("/").filter(Boolean);
  let pathMatched = false;
  for (const b of BINDINGS) {
    const labels = matchTemplate(b.path, segments);
    if (!labels) continue;
    pathMatched = true;
    if (b.method !== req.method.toUpperCase()) continue;
    let body: any = {};
    if (req.body.length && b.method !== "GET" && b.method !== "DELETE") {
      try {
        body = JSON.parse(req.body.toString("utf8"));
      } catch {
        throw new AwsError("BadRequestException", "Could not parse request body into json", 400);
      }
      if (!body || typeof body !== "object" || Array.isArray(body))
        throw new AwsError("BadRequestException", "Could not parse request body into json: expected an object", 400);
    }
    const input: Record<string, any> = { ...(fromWireShape(body) as object), ...labels };
    for (const [wire, member] of Object.entries(QUERY_MEMBERS)) {
      const v = req.query.get(wire);
      if (v !== null) input[member] = v;
    }
    const tagKeys = req.query.getAll("tagKeys");
    if (tagKeys.length) input.TagKeys = tagKeys;
    const resourcePath = "/" + segments.slice(1).map((s) => decodeURIComponent(s)).join("/");
    return { operation: b.operation, input, status: b.status, resourcePath };
  }
  if (pathMatched) throw new AwsError("MethodNotAllowedException", `Method ${req.method} is not allowed on ${req.path}`, 405);
  throw new AwsError("NotFoundException", `No such resource: ${req.method} ${req.path}`, 404);
}

export function restJsonResponse(output: unknown, status: number, requestId: string): AwsResponse {
  const headers: Record<string, string> = { "x-amzn-requestid": requestId };
  if (status === 204) return { status, headers };
  headers["content-type"] = "application/json";
  return { status, headers, body: JSON.stringify(toWireShape(output ?? {})) };
}

export function restJsonError(err: AwsError, requestId: string): AwsResponse {
  const body: Record<string, unknown> = { message: err.message };
  for (const [k, v] of Object.entries(err.extra)) body[k[0].toLowerCase() + k.slice(1)] = v;
  return {
    status: err.status,
    headers: { "content-type": "application/json", "x-amzn-errortype": err.code, "x-amzn-requestid": requestId },
    body: JSON.stringify(body),
  };
}
