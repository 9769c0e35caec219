/**
 * MOCK integrations of REST APIs: API Gateway answers by itself. The request template
 * names the status code (`{ "statusCode": 200 }`), which selects the integration
 * response (the one whose SelectionPattern matches it, else the default one); that
 * response's static header values ('value', quoted as in the template) and static
 * body are sent. This is what CDK's CORS preflight methods are. Velocity templates
 * that compute a value are not evaluated: their headers are left out.
 */
import type { GatewayResponse } from "../../../lambda-proxy/response-map.js";

interface IntegrationResponse {
  StatusCode?: string | number;
  SelectionPattern?: string;
  ResponseParameters?: Record<string, string>;
  ResponseTemplates?: Record<string, string>;
}

export interface MockIntegration {
  RequestTemplates?: Record<string, string>;
  IntegrationResponses?: IntegrationResponse[];
}

export function answerMock(integration: MockIntegration, contentType: string | undefined): GatewayResponse {
  const templates = integration.RequestTemplates ?? {};
  const template = templates[(contentType ?? "application/json").split(";")[0].trim().toLowerCase()] ?? templates["application/json"] ?? "";
  const status = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(template)?.[1] ?? "200";
  const responses = integration.IntegrationResponses ?? [];
  const selected =
    responses.find((r) => r.SelectionPattern && safeRegExp(r.SelectionPattern)?.test(status)) ??
    responses.find((r) => !r.SelectionPattern);
  if (!selected) {
    return { status: 500, headers: { "content-type": "application/json" }, setCookies: [], body: Buffer.from('{"message": "Internal server error"}') };
  }
  const headers: Record<string, string> = { "content-type": "application/json" };
  for (const [target, value] of Object.entries(selected.ResponseParameters ?? {})) {
    const header = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
    const literal = /^'(.*)'$/s.exec(String(value))?.[1];
    if (header && literal !== undefined) headers[header.toLowerCase()] = literal;
  }
  const bodyTemplate = Object.values(selected.ResponseTemplates ?? {})[0] ?? "";
  const body = /[#$]/.test(bodyTemplate) ? "" : bodyTemplate;
  return { status: Number(selected.StatusCode ?? status), headers, setCookies: [], body: Buffer.from(body) };
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
}
