/**
 * Runs one Data API statement on a cluster's Postgres session and shapes the answer:
 * `:name` parameters bound with the Data API's types, records as typed fields (or JSON
 * text), column metadata, rows updated. Postgres errors come back as the Data API words
 * them (the server's message, position and SQLSTATE).
 */
import type { PGlite, Results } from "@electric-sql/pglite";
import { AwsError } from "../../server/aws-error.js";
import { toPositional } from "./named-parameters.js";
import { bindParameter, columnMetadata, rawParsers, toField, toJsonValue, type ColumnMetadata, type DataApiField, type ResultSetOptions, type SqlParameter } from "./values.js";

/** The Data API refuses answers over 1 MiB. */
const RESPONSE_LIMIT = 1024 * 1024;

export interface StatementOptions {
  parameters?: SqlParameter[];
  includeResultMetadata?: boolean;
  formatRecordsAs?: "NONE" | "JSON";
  resultSetOptions?: ResultSetOptions;
}

export interface StatementResult {
  records?: DataApiField[][];
  columnMetadata?: ColumnMetadata[];
  numberOfRecordsUpdated: number;
  generatedFields: DataApiField[];
  formattedRecords?: string;
}

interface PgError {
  message: string;
  code?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

function isPgError(err: unknown): err is PgError {
  return typeof err === "object" && err !== null && typeof (err as PgError).code === "string" && typeof (err as PgError).severity === "string";
}

/** A Postgres error as the Data API reports it: DatabaseErrorException, the server's words and its SQLSTATE. */
export function databaseError(err: unknown): AwsError {
  if (!isPgError(err)) return new AwsError("InternalServerErrorException", "", 500);
  let text = `${err.severity ?? "ERROR"}: ${err.message}`;
  if (err.detail) text += `\n  Detail: ${err.detail}`;
  if (err.hint) text += `\n  Hint: ${err.hint}`;
  if (err.position) text += `\n  Position: ${err.position}`;
  return new AwsError("DatabaseErrorException", `${text}; SQLState: ${err.code}`, 400);
}

/** What the session knows of a type: its name and, for an array, its element's type. */
export type TypeInfo = (oid: number) => Promise<{ name: string; element: number }>;

/** Runs `sql` and returns every result (several statements without parameters run as one script). */
async function run(pg: PGlite, sql: string, options: StatementOptions): Promise<Results> {
  const { text, names } = toPositional(sql);
  const given = new Map((options.parameters ?? []).map((p) => [p.name ?? "", p]));
  const bound = names.map((name, i) => {
    const p = given.get(name);
    if (!p) throw new AwsError("BadRequestException", `No value specified for parameter ${i + 1}.`);
    return bindParameter(p);
  });
  try {
    return await pg.query(text, bound.map((b) => b.value), { paramTypes: bound.map((b) => b.oid), parsers: rawParsers, rowMode: "array" });
  } catch (err) {
    if (isPgError(err) && err.code === "42601" && names.length === 0 && /multiple commands/.test(err.message)) {
      try {
        const all = await pg.exec(sql, { parsers: rawParsers, rowMode: "array" });
        return all[all.length - 1]!;
      } catch (scriptErr) {
        throw databaseError(scriptErr);
      }
    }
    throw databaseError(err);
  }
}

export async function executeStatement(pg: PGlite, sql: string, options: StatementOptions, types: TypeInfo): Promise<StatementResult> {
  const result = await run(pg, sql, options);
  const out: StatementResult = { numberOfRecordsUpdated: result.affectedRows ?? 0, generatedFields: [] };
  if (result.fields.length === 0) return out;
  const fields = result.fields;
  // Rows as arrays: two columns of one name are still two fields.
  const rows = result.rows as unknown[][];
  const values = (row: unknown[]) => row;
  const opts = options.resultSetOptions ?? {};
  if (options.formatRecordsAs === "JSON") {
    out.formattedRecords = JSON.stringify(rows.map((row) => {
      const vs = values(row);
      return Object.fromEntries(fields.map((f, i) => [f.name, toJsonValue(vs[i], f.dataTypeID, opts)]));
    }));
    if (out.formattedRecords.length > RESPONSE_LIMIT) throw tooLarge();
  } else {
    out.records = rows.map((row) => {
      const vs = values(row);
      return fields.map((f, i) => toField(vs[i], f.dataTypeID, opts));
    });
    if (JSON.stringify(out.records).length > RESPONSE_LIMIT) throw tooLarge();
  }
  if (options.includeResultMetadata) {
    out.columnMetadata = [];
    for (const f of fields) {
      const t = await types(f.dataTypeID);
      const element = t.element ? await types(t.element) : undefined;
      out.columnMetadata.push(columnMetadata(f.name, element ? t.element : f.dataTypeID, element ? element.name : t.name, element ? t.element : 0));
    }
  }
  return out;
}

function tooLarge(): AwsError {
  return new AwsError("BadRequestException", "Database returned more than the allowed response size limit");
}
