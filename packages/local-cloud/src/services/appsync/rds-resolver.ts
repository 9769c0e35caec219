/**
 * AppSync's RELATIONAL_DATABASE data source (Aurora through the RDS Data API): the request
 * a VTL template or `createPgStatement` makes — `statements` (one or two SQL strings),
 * `variableMap` (`":name": value`) and `variableTypeHintMap` (`":name": "UUID"` …) — runs
 * statement by statement through the local Data API, as the data source's service role
 * (so its IAM policy and its reading of the secret are enforced). The answer is what AWS
 * gives the response handler: a JSON string `{"sqlStatementResults":[…]}` with each
 * statement's records and column metadata, which `$util.rds.toJsonString`/`toJsonObject`
 * (and `toJsonObject` of `@aws-appsync/utils/rds`) turn into rows.
 */
import type { CallContext } from "../../types.js";

type Doc = Record<string, any>;

export interface RdsDataCaller {
  call(operation: string, input: Doc, ctx?: Partial<CallContext>): Promise<any>;
}

/** A request the data source refuses before any SQL runs (AppSync answers it as a MappingTemplate error). */
export class RdsRequestError extends Error {}

const TYPE_HINTS = new Set(["DATE", "DECIMAL", "JSON", "TIME", "TIMESTAMP", "UUID"]);

/** A variableMap value as a Data API parameter. */
function parameterOf(name: string, value: unknown, typeHint: unknown): Doc {
  const param: Doc = { name };
  if (value === null || value === undefined) param.value = { isNull: true };
  else if (typeof value === "boolean") param.value = { booleanValue: value };
  else if (typeof value === "number") param.value = Number.isInteger(value) ? { longValue: value } : { doubleValue: value };
  else if (typeof value === "string") param.value = { stringValue: value };
  // Objects and arrays go as their JSON text (a jsonb column needs the JSON hint, as on Aurora).
  else param.value = { stringValue: JSON.stringify(value) };
  if (typeHint !== undefined) {
    if (typeof typeHint !== "string" || !TYPE_HINTS.has(typeHint)) throw new RdsRequestError(`Invalid type hint ${String(typeHint)} for ${name}: one of ${[...TYPE_HINTS].join(", ")}.`);
    param.typeHint = typeHint;
  }
  return param;
}

/** The Data API's `resourceArn` for the configured cluster (an ARN, or an identifier in the data source's region). */
function clusterArnOf(config: Doc, region: string, account: string): string {
  const id = String(config.DbClusterIdentifier ?? "");
  return id.startsWith("arn:") ? id : `arn:aws:rds:${config.AwsRegion ?? region}:${account}:cluster:${id}`;
}

/** Runs the request's statements in order; the JSON text the response handler gets as its result. */
export async function runRdsRequest(rds: RdsDataCaller, dataSource: Doc, request: Doc, ctx: Partial<CallContext> & { region: string; account: string }): Promise<string> {
  const config = dataSource.RelationalDatabaseConfig?.RdsHttpEndpointConfig;
  if (!config) throw new RdsRequestError(`Data source ${dataSource.Name} has no RdsHttpEndpointConfig.`);
  const statements = request.statements;
  if (!Array.isArray(statements) || statements.length === 0 || statements.some((s) => typeof s !== "string")) {
    throw new RdsRequestError("The request must have a non-empty list of SQL statements in 'statements'.");
  }
  if (statements.length > 2) throw new RdsRequestError("A request can have at most 2 statements.");
  const variables: Doc = request.variableMap ?? {};
  const hints: Doc = request.variableTypeHintMap ?? {};
  const results: Doc[] = [];
  for (const sql of statements as string[]) {
    // Only the variables a statement names are its parameters (the Data API refuses extras).
    const used = Object.keys(variables).filter((k) => new RegExp(`${escapeRegExp(k.startsWith(":") ? k : `:${k}`)}(?![A-Za-z0-9_])`).test(sql));
    const parameters = used.map((k) => parameterOf(k.replace(/^:/, ""), variables[k], hints[k]));
    const out = await rds.call(
      "ExecuteStatement",
      {
        resourceArn: clusterArnOf(config, ctx.region, ctx.account),
        secretArn: config.AwsSecretStoreArn,
        database: config.DatabaseName,
        ...(config.Schema ? { schema: config.Schema } : {}),
        sql,
        parameters,
        includeResultMetadata: true,
      },
      ctx,
    );
    results.push({
      numberOfRecordsUpdated: out.numberOfRecordsUpdated ?? 0,
      records: out.records ?? [],
      columnMetadata: out.columnMetadata ?? [],
      generatedFields: out.generatedFields ?? [],
    });
  }
  return JSON.stringify({ sqlStatementResults: results });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One Data API field as a JSON value. */
function fieldValue(field: Doc): unknown {
  if (!field || field.isNull) return null;
  if ("stringValue" in field) return field.stringValue;
  if ("longValue" in field) return field.longValue;
  if ("doubleValue" in field) return field.doubleValue;
  if ("booleanValue" in field) return field.booleanValue;
  if ("blobValue" in field) return Buffer.isBuffer(field.blobValue) ? field.blobValue.toString("base64") : field.blobValue;
  if ("arrayValue" in field) return arrayValue(field.arrayValue);
  return null;
}

function arrayValue(a: Doc): unknown[] {
  const list = a.stringValues ?? a.longValues ?? a.doubleValues ?? a.booleanValues;
  if (list) return list;
  return (a.arrayValues ?? []).map(arrayValue);
}

/**
 * `$util.rds.toJsonObject` / `toJsonObject`: the data source's result as one list of rows
 * per statement, each row an object keyed by column label.
 */
export function rdsResultRows(result: unknown): Doc[][] {
  const doc = typeof result === "string" ? JSON.parse(result) : result;
  return ((doc as Doc | null)?.sqlStatementResults ?? []).map((r: Doc) => {
    const columns: string[] = (r.columnMetadata ?? []).map((c: Doc) => String(c.label ?? c.name));
    return (r.records ?? []).map((record: Doc[]) => Object.fromEntries(record.map((field, i) => [columns[i] ?? String(i), fieldValue(field)])));
  });
}
