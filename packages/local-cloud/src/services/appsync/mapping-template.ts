/**
 * AppSync's VTL mapping templates, rendered by the shared engine (kernel/vtl.ts): `$ctx` / `$context`
 * (arguments as `args` too, source, identity, request, info, stash, result) and the
 * part of `$util` resolvers use most: toJson, qr/quiet, error,
 * isNull/isNullOrEmpty/defaultIfNull, autoId, time.nowISO8601/nowEpochSeconds/nowEpochMilliSeconds,
 * escapeJavaScript, urlEncode/urlDecode, base64Encode/base64Decode, and
 * dynamodb.toDynamoDBJson/toDynamoDB/toMapValuesJson/toString(Json)/toNumber(Json),
 * rds.toJsonString/toJsonObject,
 * appendError, unauthorized, parseJson, isString/isNumber/isBoolean/isList/isMap, typeOf,
 * matches and `#return(value)`. Anything else in a template is rendered as velocityjs
 * renders an unknown reference (its text).
 */
import { randomUUID } from "node:crypto";
import { coreUtil, renderVtl, toJsonText, VtlError } from "../../kernel/vtl.js";
import { rdsResultRows } from "./rds-resolver.js";

export interface TemplateContext {
  arguments: Record<string, unknown>;
  source: unknown;
  identity: unknown;
  request: unknown;
  info: unknown;
  stash: Record<string, unknown>;
  prev: unknown;
  result?: unknown;
  /** The API's environment variables. */
  env?: Record<string, string>;
}

type TemplateErrorFields = { message: string; type?: string; data?: unknown; info?: unknown };

export interface RenderedTemplate {
  output: string;
  /** Set by $util.error: the resolver fails with it. */
  error?: TemplateErrorFields;
  /** Set by `#return(value)`: the template's result, and what comes after it is skipped. */
  returned?: { value: unknown };
  /** `$util.appendError` calls: errors beside the data. */
  appended: TemplateErrorFields[];
}

function toDynamoDB(value: unknown): unknown {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toDynamoDB) };
  return { M: Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toDynamoDB(v)])) };
}

const kindOf = (v: unknown) => (v === null || v === undefined ? "Null" : Array.isArray(v) ? "List" : typeof v === "object" ? "Map" : typeof v === "string" ? "String" : typeof v === "number" ? "Number" : typeof v === "boolean" ? "Boolean" : "Object");

/**
 * AppSync's `$util`: the shared helpers (kernel/vtl.ts) and AppSync's own. A data source
 * kind with helpers of its own (`$util.dynamodb`, `$util.rds` …) adds them here.
 */
function makeUtil(appended: TemplateErrorFields[]) {
  return {
    ...coreUtil(),
    toJson: toJsonText,
    appendError: (message: string, type?: string, data?: unknown, info?: unknown) => {
      appended.push({ message: String(message), type, data, info });
      return "";
    },
    unauthorized: () => {
      throw new VtlError("Unauthorized", "UnauthorizedException");
    },
    isString: (v: unknown) => typeof v === "string",
    isNumber: (v: unknown) => typeof v === "number",
    isBoolean: (v: unknown) => typeof v === "boolean",
    isList: (v: unknown) => Array.isArray(v),
    isMap: (v: unknown) => kindOf(v) === "Map",
    typeOf: kindOf,
    matches: (pattern: string, s: string) => new RegExp(`^(?:${pattern})$`).test(String(s)),
    qr: () => "",
    quiet: () => "",
    error: (message: string, type?: string, data?: unknown, info?: unknown) => {
      throw new VtlError(String(message), type, data, info);
    },
    isNull: (v: unknown) => v === null || v === undefined,
    isNullOrEmpty: (v: unknown) => v === null || v === undefined || v === "",
    isNullOrBlank: (v: unknown) => v === null || v === undefined || String(v).trim() === "",
    defaultIfNull: (v: unknown, d: unknown) => (v === null || v === undefined ? d : v),
    defaultIfNullOrEmpty: (v: unknown, d: unknown) => (v === null || v === undefined || v === "" ? d : v),
    autoId: () => randomUUID(),
    time: {
      nowISO8601: () => new Date().toISOString(),
      nowEpochSeconds: () => Math.floor(Date.now() / 1000),
      nowEpochMilliSeconds: () => Date.now(),
      parseISO8601ToEpochMilliSeconds: (s: string) => Date.parse(String(s)),
      epochMilliSecondsToISO8601: (ms: number) => new Date(Number(ms)).toISOString(),
      epochMilliSecondsToSeconds: (ms: number) => Math.floor(Number(ms) / 1000),
    },
    dynamodb: {
      toDynamoDB,
      toDynamoDBJson: (v: unknown) => JSON.stringify(toDynamoDB(v)),
      toString: (v: unknown) => ({ S: String(v) }),
      toStringJson: (v: unknown) => JSON.stringify({ S: String(v) }),
      toNumber: (v: unknown) => ({ N: String(v) }),
      toNumberJson: (v: unknown) => JSON.stringify({ N: String(v) }),
      toMapValues: (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v ?? {}).map(([k, x]) => [k, toDynamoDB(x)])),
      toMapValuesJson: (v: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(v ?? {}).map(([k, x]) => [k, toDynamoDB(x)]))),
    },
    // A RELATIONAL_DATABASE data source's result as rows, one list per statement (rds-resolver.ts).
    rds: {
      toJsonObject: (result: unknown) => rdsResultRows(result),
      toJsonString: (result: unknown) => JSON.stringify(rdsResultRows(result)),
    },
  };
}

export function renderMappingTemplate(template: string, context: TemplateContext): RenderedTemplate {
  const ctx = { ...context, args: context.arguments };
  const appended: TemplateErrorFields[] = [];
  const util = makeUtil(appended);
  return { ...renderVtl(template, { ctx, context: ctx, util, utils: util }), appended };
}
