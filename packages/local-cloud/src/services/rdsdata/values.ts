/**
 * Between the Data API's typed values and Postgres: how a parameter binds (the type
 * Aurora's Data API gives each kind of value, a `typeHint` casting a string), and how a
 * column's value comes back (`Field`, the JSON form of `formatRecordsAs: "JSON"`, and
 * the column's metadata), as Aurora PostgreSQL answers through the Data API.
 */
import { AwsError } from "../../server/aws-error.js";

/** Postgres type OIDs used below. */
const OID = {
  bool: 16, bytea: 17, char: 18, name: 19, int8: 20, int2: 21, int4: 23, text: 25, oid: 26, json: 114, float4: 700, float8: 701, unknown: 705,
  bpchar: 1042, varchar: 1043, date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, interval: 1186, timetz: 1266, numeric: 1700, uuid: 2950, jsonb: 3802,
} as const;

export interface DataApiField {
  isNull?: boolean;
  booleanValue?: boolean;
  longValue?: number;
  doubleValue?: number;
  stringValue?: string;
  blobValue?: string;
  arrayValue?: DataApiArray;
}
export interface DataApiArray {
  booleanValues?: boolean[];
  longValues?: number[];
  doubleValues?: number[];
  stringValues?: string[];
  arrayValues?: DataApiArray[];
}
export interface SqlParameter {
  name?: string;
  value?: DataApiField;
  typeHint?: "JSON" | "UUID" | "TIMESTAMP" | "DATE" | "TIME" | "DECIMAL";
}
export interface ResultSetOptions {
  decimalReturnType?: "STRING" | "DOUBLE_OR_LONG";
  longReturnType?: "STRING" | "LONG";
}

const HINTED: Record<NonNullable<SqlParameter["typeHint"]>, number> = {
  JSON: OID.json, UUID: OID.uuid, TIMESTAMP: OID.timestamp, DATE: OID.date, TIME: OID.time, DECIMAL: OID.numeric,
};

/** A parameter as Postgres binds it: the value and its type (a plain string is a varchar, as Aurora binds it). */
export function bindParameter(p: SqlParameter): { value: unknown; oid: number } {
  const v = p.value ?? {};
  if (v.arrayValue !== undefined) throw new AwsError("BadRequestException", "Array parameters are not supported.");
  if (v.isNull) return { value: null, oid: 0 };
  if (p.typeHint && v.stringValue === undefined) {
    throw new AwsError("BadRequestException", `The typeHint ${p.typeHint} can only be used with a stringValue.`);
  }
  if (v.stringValue !== undefined) return { value: v.stringValue, oid: p.typeHint ? HINTED[p.typeHint] : OID.varchar };
  if (v.longValue !== undefined) return { value: String(v.longValue), oid: OID.int8 };
  if (v.doubleValue !== undefined) return { value: v.doubleValue, oid: OID.float8 };
  if (v.booleanValue !== undefined) return { value: v.booleanValue, oid: OID.bool };
  if (v.blobValue !== undefined) return { value: Buffer.from(v.blobValue, "base64"), oid: OID.bytea };
  // An empty value is a null (what the SDK sends for `{}`).
  return { value: null, oid: 0 };
}

/** Types whose values are read as Postgres prints them (so nothing is lost to a JS number or Date). */
export const TEXT_PARSED_TYPES = [OID.int8, OID.numeric, OID.json, OID.jsonb, OID.date, OID.time, OID.timetz, OID.timestamp, OID.timestamptz, OID.interval];
export const rawParsers = Object.fromEntries(TEXT_PARSED_TYPES.map((oid) => [oid, (text: string) => text]));

const LONG_TYPES = new Set<number>([OID.int2, OID.int4, OID.int8, OID.oid]);
const DOUBLE_TYPES = new Set<number>([OID.float4, OID.float8]);
/** Array type → its element's kind. */
const ARRAY_ELEMENTS: Record<number, "long" | "double" | "boolean" | "string"> = {
  1005: "long", 1007: "long", 1016: "long", 1021: "double", 1022: "double", 1000: "boolean",
};

/** Postgres' text of a timestamp with zone in UTC, as the Data API prints it (without the zone). */
function withoutUtcZone(text: string): string {
  return text.replace(/\+00$/, "");
}

function arrayValue(value: unknown[], kind: "long" | "double" | "boolean" | "string"): DataApiArray {
  if (value.some(Array.isArray)) return { arrayValues: value.map((v) => arrayValue(v as unknown[], kind)) };
  switch (kind) {
    case "long": return { longValues: value.map((v) => Number(v)) };
    case "double": return { doubleValues: value.map((v) => Number(v)) };
    case "boolean": return { booleanValues: value.map((v) => Boolean(v)) };
    default: return { stringValues: value.map((v) => (v === null ? null : String(v))) as string[] };
  }
}

/** One column's value as a Data API `Field`. */
export function toField(value: unknown, oid: number, options: ResultSetOptions = {}): DataApiField {
  if (value === null || value === undefined) return { isNull: true };
  if (LONG_TYPES.has(oid)) return options.longReturnType === "STRING" ? { stringValue: String(value) } : { longValue: Number(value) };
  if (DOUBLE_TYPES.has(oid)) return { doubleValue: Number(value) };
  if (oid === OID.numeric && options.decimalReturnType === "DOUBLE_OR_LONG") {
    const n = Number(value);
    return Number.isInteger(n) && !String(value).includes(".") ? { longValue: n } : { doubleValue: n };
  }
  if (oid === OID.bool) return { booleanValue: Boolean(value) };
  if (oid === OID.bytea) return { blobValue: Buffer.from(value as Uint8Array).toString("base64") };
  if (oid === OID.timestamptz || oid === OID.timetz) return { stringValue: withoutUtcZone(String(value)) };
  if (Array.isArray(value)) return { arrayValue: arrayValue(value, ARRAY_ELEMENTS[oid] ?? "string") };
  return { stringValue: String(value) };
}

/** One column's value in `formattedRecords` (formatRecordsAs: "JSON"). */
export function toJsonValue(value: unknown, oid: number, options: ResultSetOptions = {}): unknown {
  const field = toField(value, oid, options);
  if (field.isNull) return null;
  if (field.arrayValue) return flattenArray(field.arrayValue);
  return field.longValue ?? field.doubleValue ?? field.booleanValue ?? field.stringValue ?? field.blobValue;
}

function flattenArray(a: DataApiArray): unknown[] {
  return a.arrayValues?.map(flattenArray) ?? a.longValues ?? a.doubleValues ?? a.booleanValues ?? a.stringValues ?? [];
}

/** JDBC type codes (java.sql.Types), as the Data API reports a column's `type`. */
const JDBC: Record<number, number> = {
  [OID.bool]: -7, [OID.int2]: 5, [OID.int4]: 4, [OID.int8]: -5, [OID.oid]: -5, [OID.float4]: 7, [OID.float8]: 8, [OID.numeric]: 2,
  [OID.char]: 1, [OID.bpchar]: 1, [OID.varchar]: 12, [OID.text]: 12, [OID.name]: 12, [OID.date]: 91, [OID.time]: 92, [OID.timetz]: 92,
  [OID.timestamp]: 93, [OID.timestamptz]: 93, [OID.bytea]: -2,
};
/** Display precision JDBC reports for fixed-size types. */
const PRECISION: Record<number, number> = {
  [OID.bool]: 1, [OID.int2]: 5, [OID.int4]: 10, [OID.int8]: 19, [OID.float4]: 8, [OID.float8]: 17, [OID.date]: 13, [OID.time]: 15,
  [OID.timestamp]: 29, [OID.timestamptz]: 35, [OID.uuid]: 2147483647, [OID.text]: 2147483647, [OID.varchar]: 2147483647, [OID.bytea]: 2147483647,
};

export interface ColumnMetadata {
  name: string;
  label: string;
  type: number;
  typeName: string;
  schemaName: string;
  tableName: string;
  isAutoIncrement: boolean;
  isSigned: boolean;
  isCurrency: boolean;
  isCaseSensitive: boolean;
  nullable: number;
  precision: number;
  scale: number;
  arrayBaseColumnType: number;
}

/** A column's metadata from its name and type (`typeName` from pg_type). */
export function columnMetadata(name: string, oid: number, typeName: string, arrayElementOid = 0): ColumnMetadata {
  const isArray = arrayElementOid !== 0;
  return {
    name, label: name,
    type: isArray ? 2003 : (JDBC[oid] ?? 1111),
    typeName: isArray ? `_${typeName.replace(/^_/, "")}` : typeName,
    schemaName: "", tableName: "",
    isAutoIncrement: false,
    isSigned: LONG_TYPES.has(oid) || DOUBLE_TYPES.has(oid) || oid === OID.numeric,
    isCurrency: false,
    isCaseSensitive: [OID.text, OID.varchar, OID.bpchar, OID.char, OID.name].includes(oid as never),
    nullable: 2,
    precision: PRECISION[oid] ?? 0,
    scale: DOUBLE_TYPES.has(oid) ? (oid === OID.float8 ? 17 : 8) : 0,
    arrayBaseColumnType: isArray ? (JDBC[arrayElementOid] ?? 1111) : 0,
  };
}
