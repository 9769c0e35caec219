/**
 * `@aws-appsync/utils/rds` for APPSYNC_JS resolvers (the source of the module the QuickJS
 * runtime loads): the `sql` tag and the `select`/`insert`/`update`/`remove` builders make
 * statements whose values are `:P<n>` placeholders; `createPgStatement` (and
 * `createMySQLStatement`) numbers the values of up to two statements into the request's
 * `variableMap` (with `variableTypeHintMap` for `typeHint.UUID(v)` …); `toJsonObject`
 * turns the data source's result into one list of rows per statement. Identifiers are
 * quoted for the engine (`"` for PostgreSQL, backticks for MySQL).
 */
export const RDS_JS_MODULE = String.raw`
const HINTS = ["DATE", "DECIMAL", "JSON", "TIME", "TIMESTAMP", "UUID"];
const HINTED = Symbol("typeHint");
export const typeHint = {};
for (const h of HINTS) typeHint[h] = (value) => ({ [HINTED]: h, value });

/** A statement: SQL text pieces with the values between them (each piece's text may quote identifiers later). */
function statement(build) { return { __rdsStatement: true, build }; }

export function sql(strings, ...values) {
  return statement((p) => strings.reduce((out, s, i) => out + s + (i < values.length ? p.value(values[i]) : ""), ""));
}

function ident(p, name) {
  if (typeof name === "object" && name !== null) {
    const schema = Object.keys(name)[0];
    return ident(p, schema) + "." + ident(p, name[schema]);
  }
  const q = p.quote;
  return q + String(name).split(q).join(q + q) + q;
}

const COMPARISONS = { eq: "=", ne: "<>", gt: ">", ge: ">=", lt: "<", le: "<=" };
function condition(p, where) {
  const parts = [];
  for (const key of Object.keys(where || {})) {
    const spec = where[key];
    if (key === "or" || key === "and") {
      const inner = spec.map((w) => condition(p, w)).filter(Boolean);
      if (inner.length) parts.push("(" + inner.join(key === "or" ? " OR " : " AND ") + ")");
      continue;
    }
    if (key === "not") { parts.push("NOT (" + condition(p, spec) + ")"); continue; }
    const col = ident(p, key);
    for (const op of Object.keys(spec)) {
      const v = spec[op];
      if (COMPARISONS[op]) parts.push(col + " " + COMPARISONS[op] + " " + p.value(v));
      else if (op === "between") parts.push(col + " BETWEEN " + p.value(v[0]) + " AND " + p.value(v[1]));
      else if (op === "beginsWith") parts.push(col + " LIKE " + p.value(v + "%"));
      else if (op === "contains") parts.push(col + " LIKE " + p.value("%" + v + "%"));
      else if (op === "notContains") parts.push(col + " NOT LIKE " + p.value("%" + v + "%"));
      else if (op === "attributeExists") parts.push(col + (v ? " IS NOT NULL" : " IS NULL"));
      else if (op === "in") parts.push(col + " IN (" + v.map((x) => p.value(x)).join(", ") + ")");
      else if (op === "notIn") parts.push(col + " NOT IN (" + v.map((x) => p.value(x)).join(", ") + ")");
      else throw new Error("Unsupported operator " + op + " in the where clause on " + key);
    }
  }
  return parts.join(" AND ");
}
function whereClause(p, where) { const c = condition(p, where); return c ? " WHERE " + c : ""; }
function returningClause(p, returning) {
  if (!returning) return "";
  return " RETURNING " + (returning === "*" ? "*" : [].concat(returning).map((c) => ident(p, c)).join(", "));
}

export function select(o) {
  return statement((p) => {
    const cols = !o.columns || o.columns === "*" ? "*" : o.columns.map((c) => ident(p, c)).join(", ");
    let text = "SELECT " + cols + " FROM " + ident(p, o.table) + whereClause(p, o.where);
    if (o.orderBy && o.orderBy.length) text += " ORDER BY " + o.orderBy.map((b) => ident(p, b.column) + (b.dir ? " " + String(b.dir).toUpperCase() : "")).join(", ");
    if (o.limit !== undefined) text += " LIMIT " + p.value(o.limit);
    if (o.offset !== undefined) text += " OFFSET " + p.value(o.offset);
    return text;
  });
}
export function insert(o) {
  return statement((p) => {
    const keys = Object.keys(o.values);
    return "INSERT INTO " + ident(p, o.table) + " (" + keys.map((k) => ident(p, k)).join(", ") + ") VALUES (" + keys.map((k) => p.value(o.values[k])).join(", ") + ")" + returningClause(p, o.returning);
  });
}
export function update(o) {
  return statement((p) => {
    const sets = Object.keys(o.values).map((k) => ident(p, k) + " = " + p.value(o.values[k]));
    return "UPDATE " + ident(p, o.table) + " SET " + sets.join(", ") + whereClause(p, o.where) + returningClause(p, o.returning);
  });
}
export function remove(o) {
  return statement((p) => "DELETE FROM " + ident(p, o.table) + whereClause(p, o.where) + returningClause(p, o.returning));
}

function createStatement(quote, statements) {
  if (statements.length === 0 || statements.length > 2) throw new Error("A request takes one or two statements");
  const variableMap = {};
  const variableTypeHintMap = {};
  let n = 0;
  const p = {
    quote,
    value(v) {
      const name = ":P" + n++;
      if (v && typeof v === "object" && v[HINTED]) { variableTypeHintMap[name] = v[HINTED]; v = v.value; }
      variableMap[name] = v === undefined ? null : v;
      return name;
    },
  };
  const texts = statements.map((s) => (typeof s === "string" ? s : s && s.__rdsStatement ? s.build(p) : (() => { throw new Error("Not a statement: use sql\`...\`, select, insert, update or remove"); })()));
  const request = { statements: texts, variableMap };
  if (Object.keys(variableTypeHintMap).length) request.variableTypeHintMap = variableTypeHintMap;
  return request;
}
export function createPgStatement(...statements) { return createStatement('"', statements); }
export function createMySQLStatement(...statements) { return createStatement("\u0060", statements); }

function fieldValue(f) {
  if (!f || f.isNull) return null;
  for (const k of ["stringValue", "longValue", "doubleValue", "booleanValue", "blobValue"]) if (k in f) return f[k];
  if ("arrayValue" in f) return arrayValue(f.arrayValue);
  return null;
}
function arrayValue(a) {
  return a.stringValues || a.longValues || a.doubleValues || a.booleanValues || (a.arrayValues || []).map(arrayValue);
}
export function toJsonObject(result) {
  const doc = typeof result === "string" ? JSON.parse(result) : result;
  return ((doc && doc.sqlStatementResults) || []).map((r) => {
    const cols = (r.columnMetadata || []).map((c) => c.label || c.name);
    return (r.records || []).map((rec) => {
      const row = {};
      rec.forEach((f, i) => { row[cols[i] !== undefined ? cols[i] : String(i)] = fieldValue(f); });
      return row;
    });
  });
}
`;
