/**
 * Parameter mappings of REST integrations. A method's `Integration.RequestParameters`
 * fill the integration request — `integration.request.{path,querystring,
 * multivaluequerystring,header,multivalueheader}.<name>` — from
 * `method.request.{path,querystring,multivaluequerystring,header,multivalueheader}.<name>`,
 * `method.request.body[.<JSONPath>]`, `context.<name>`, `stageVariables.<name>` or a
 * quoted literal ('value'). An integration response's `ResponseParameters` fill
 * `method.response.header.<name>` from `integration.response.{header,multivalueheader}.<name>`,
 * `integration.response.body[.<JSONPath>]`, `context.*`, `stageVariables.*` or a literal.
 */
import { evaluateJsonPath } from "../../../json-path/json-path.js";
import type { MethodParams } from "./mapping-context.js";

type Value = string | string[] | undefined;

export interface RequestSources {
  params: MethodParams;
  /** Every value of each query string parameter. */
  multiQuery: Map<string, string[]>;
  body: string;
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
}

/** What parameter mapping gives the integration request. */
export interface IntegrationRequestParts {
  path: Record<string, string>;
  querystring: Map<string, string[]>;
  header: Record<string, string>;
}

const LITERAL = /^'(.*)'$/s;

function dotted(root: unknown, path: string): unknown {
  let v: any = root;
  for (const key of path.split(".")) v = v == null ? undefined : v[key];
  return v;
}

const asText = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v));

/** `context.*`, `stageVariables.*` and literals: what both directions take. */
function commonSource(expr: string, context: Record<string, unknown>, stageVariables: Record<string, string>): { value: Value } | undefined {
  const literal = LITERAL.exec(expr);
  if (literal) return { value: literal[1] };
  if (expr.startsWith("context.")) return { value: asText(dotted(context, expr.slice("context.".length))) };
  if (expr.startsWith("stageVariables.")) return { value: stageVariables[expr.slice("stageVariables.".length)] };
  return undefined;
}

function bodySource(body: string, jsonPath: string | undefined): string | undefined {
  if (jsonPath === undefined) return body;
  try {
    return asText(evaluateJsonPath(JSON.parse(body), `$.${jsonPath}`));
  } catch {
    return undefined;
  }
}

export function requestSource(expr: string, s: RequestSources): Value {
  const common = commonSource(expr, s.context, s.stageVariables);
  if (common) return common.value;
  const m = /^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader|body)(?:\.(.+))?$/s.exec(expr);
  if (!m) return undefined;
  const [, where, name] = m;
  if (where === "body") return bodySource(s.body, name);
  if (name === undefined) return undefined;
  if (where === "path") return s.params.path[name];
  if (where === "querystring") return s.multiQuery.get(name)?.at(-1);
  if (where === "multivaluequerystring") return s.multiQuery.get(name);
  const header = s.params.header[name.toLowerCase()];
  if (where === "header") return header?.split(",").at(-1)?.trim();
  return header?.split(",").map((v) => v.trim());
}

/** The integration request's path, query string and header values from the method request. */
export function mapRequestParameters(mapping: Record<string, string> | undefined, s: RequestSources): IntegrationRequestParts {
  const parts: IntegrationRequestParts = { path: {}, querystring: new Map(), header: {} };
  for (const [target, expr] of Object.entries(mapping ?? {})) {
    const m = /^integration\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.(.+)$/s.exec(target);
    const value = requestSource(String(expr), s);
    if (!m || value === undefined) continue;
    const [, where, name] = m;
    const values = Array.isArray(value) ? value : [value];
    if (where === "path") parts.path[name!] = values.join(",");
    else if (where === "querystring" || where === "multivaluequerystring") parts.querystring.set(name!, values);
    else parts.header[name!.toLowerCase()] = values.join(",");
  }
  return parts;
}

export interface ResponseSources {
  /** The integration's answer: lower-case header names. */
  headers: Record<string, string>;
  body: string;
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
}

/** The method response's header values an integration response maps. */
export function mapResponseParameters(mapping: Record<string, string> | undefined, s: ResponseSources): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [target, expr] of Object.entries(mapping ?? {})) {
    const name = /^method\.response\.header\.(.+)$/s.exec(target)?.[1];
    if (!name) continue;
    let value: Value;
    const common = commonSource(String(expr), s.context, s.stageVariables);
    if (common) value = common.value;
    else {
      const m = /^integration\.response\.(header|multivalueheader|body)(?:\.(.+))?$/s.exec(String(expr));
      if (m?.[1] === "body") value = bodySource(s.body, m[2]);
      else if (m?.[2]) {
        const raw = s.headers[m[2].toLowerCase()];
        value = m[1] === "header" ? raw?.split(",").at(-1)?.trim() : raw;
      }
    }
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  return headers;
}
