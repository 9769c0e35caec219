/**
 * The two mapping steps around a non-proxy REST integration (MOCK, AWS, HTTP).
 *
 * Request: the request template is chosen by the request's Content-Type (none is
 * application/json); without one, `PassthroughBehavior` decides — WHEN_NO_MATCH (the
 * default) sends the body as it came, WHEN_NO_TEMPLATES only when the integration has
 * no templates at all, NEVER never — else 415 "Unsupported Media Type". The chosen
 * template is rendered (mapping-context.ts); `ContentHandling` converts a body sent
 * through (CONVERT_TO_TEXT: binary to base64, CONVERT_TO_BINARY: base64 to binary).
 *
 * Response: the integration response is the one whose `SelectionPattern` (a regular
 * expression over the whole string) matches the Lambda function's errorMessage — or,
 * for HTTP, AWS and MOCK, the status code — else the default one (no pattern);
 * none is 500 "Internal server error". Its `StatusCode`, `ResponseParameters` and
 * the `ResponseTemplates` entry for the Accept header (else application/json, else
 * the first) make the method's answer; without a template the body goes back as it
 * came, converted by the response's `ContentHandling`.
 */
import type { GatewayResponse } from "../../../lambda-proxy/response-map.js";
import { gatewayError } from "./gateway-responses.js";
import { renderApiTemplate, type MethodParams } from "./mapping-context.js";
import { mapResponseParameters } from "./parameter-mapping.js";

type Doc = Record<string, any>;

export const internalServerError = () => gatewayError("DEFAULT_5XX", 500, "Internal server error");
export const unsupportedMediaType = () => gatewayError("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Media Type");

/** The media type of a Content-Type or Accept value, lower-case, without parameters. */
export const mediaTypeOf = (value: string | undefined): string => (value ?? "").split(/[;,]/)[0]!.trim().toLowerCase();

/** What a request is sent on with: a template to render, the body as it is, or a refusal. */
export type RequestMapping = { kind: "template"; template: string; contentType: string } | { kind: "passthrough" } | { kind: "unsupported" };

export function selectRequestTemplate(integration: Doc, contentType: string | undefined): RequestMapping {
  const templates: Record<string, string> = integration.RequestTemplates ?? {};
  const type = mediaTypeOf(contentType) || "application/json";
  const key = Object.keys(templates).find((k) => k.toLowerCase() === type);
  if (key !== undefined) return { kind: "template", template: templates[key]!, contentType: key };
  const behavior = String(integration.PassthroughBehavior ?? "WHEN_NO_MATCH").toUpperCase();
  if (behavior === "NEVER") return { kind: "unsupported" };
  if (behavior === "WHEN_NO_TEMPLATES" && Object.keys(templates).length > 0) return { kind: "unsupported" };
  return { kind: "passthrough" };
}

/** A body converted as `ContentHandling` says (binary means Content-Type among the API's BinaryMediaTypes). */
export function convertContent(body: Buffer, handling: string | undefined, binary: boolean): Buffer {
  if (handling === "CONVERT_TO_TEXT" && binary) return Buffer.from(body.toString("base64"));
  if (handling === "CONVERT_TO_BINARY" && !binary) return Buffer.from(body.toString("utf8"), "base64");
  return body;
}

/** What the integration answered, before the integration response maps it. */
export interface IntegrationAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  /** A Lambda function's error: SelectionPattern is matched against its errorMessage. */
  lambdaError?: string;
  /** True for Lambda: a success selects the default response, whatever the patterns. */
  lambda?: boolean;
  /** Set-Cookie values (passed through by HTTP_PROXY). */
  cookies?: string[];
}

const patterns = new Map<string, RegExp | null>();

function matches(pattern: string, value: string): boolean {
  let re = patterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    if (patterns.size > 500) patterns.clear();
    patterns.set(pattern, re);
  }
  return !!re && re.test(value);
}

export function selectIntegrationResponse(responses: Doc[] | undefined, answer: IntegrationAnswer): Doc | undefined {
  const all = responses ?? [];
  const isDefault = (r: Doc) => r.SelectionPattern === undefined || r.SelectionPattern === null || r.SelectionPattern === "";
  const subject = answer.lambda ? answer.lambdaError : String(answer.status);
  const chosen = subject === undefined ? undefined : all.find((r) => !isDefault(r) && matches(String(r.SelectionPattern), subject));
  return chosen ?? all.find(isDefault);
}

export interface ResponseMappingScope {
  params: MethodParams;
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
  /** The method request's Accept header. */
  accept: string | undefined;
  /** True when the answer's Content-Type is among the API's BinaryMediaTypes. */
  binary: (contentType: string | undefined) => boolean;
}

/** The method's answer from the integration's, through the selected integration response. */
export function mapIntegrationResponse(integration: Doc, answer: IntegrationAnswer, scope: ResponseMappingScope): GatewayResponse {
  const selected = selectIntegrationResponse(integration.IntegrationResponses, answer);
  if (!selected) return internalServerError();
  const answerText = answer.body.toString("utf8");
  const headers: Record<string, string> = mapResponseParameters(selected.ResponseParameters, {
    headers: answer.headers, body: answerText, context: scope.context, stageVariables: scope.stageVariables,
  });
  const templates: Record<string, string> = selected.ResponseTemplates ?? {};
  const keys = Object.keys(templates);
  const accept = mediaTypeOf(scope.accept);
  const key = keys.find((k) => k.toLowerCase() === accept) ?? keys.find((k) => k.toLowerCase() === "application/json") ?? keys[0];
  const template = key === undefined ? undefined : templates[key];
  let body: Buffer;
  let contentType: string;
  if (template) {
    const source = selected.ContentHandling === "CONVERT_TO_TEXT" && scope.binary(answer.headers["content-type"]) ? answer.body.toString("base64") : answerText;
    const rendered = renderApiTemplate(template, { body: source, params: scope.params, context: scope.context, stageVariables: scope.stageVariables });
    if (rendered.error) return internalServerError();
    body = Buffer.from(rendered.returned ? String(rendered.returned.value ?? "") : rendered.output);
    contentType = key!;
  } else {
    contentType = answer.headers["content-type"] ?? key ?? "application/json";
    body = convertContent(answer.body, selected.ContentHandling, scope.binary(answer.headers["content-type"]));
  }
  headers["content-type"] ??= contentType;
  const status = /^\d{3}$/.test(String(selected.StatusCode ?? "")) ? Number(selected.StatusCode) : 200;
  return { status, headers, setCookies: [], body };
}
