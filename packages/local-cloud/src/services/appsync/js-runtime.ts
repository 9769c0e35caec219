/**
 * AppSync's APPSYNC_JS runtime: resolver and function code (an ES module exporting
 * `request(ctx)` and `response(ctx)`) runs inside QuickJS (sandbox/quickjs-module.ts),
 * with the modules AppSync provides — `@aws-appsync/utils` (`util`, `runtime`,
 * `extensions`), `@aws-appsync/utils/rds` (rds-js-module.ts) and `@aws-appsync/utils/dynamodb` (get, put, remove, update, scan,
 * query) — as far as resolvers use them. The context goes in as JSON and comes out as
 * JSON, with the stash the code changed; `util.error` ends the handler with that error,
 * `extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(…))` gives a
 * subscription its enhanced filter,
 * `util.appendError` adds one beside the data, `runtime.earlyReturn(value)` skips what
 * comes next (the data source, or the rest of the pipeline) as AppSync does.
 *
 * One context per code text, kept like a warm runtime; a deadline stops code that does
 * not end.
 */
import { RDS_JS_MODULE } from "./rds-js-module.js";
import { randomUUID } from "node:crypto";
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from "quickjs-emscripten";
import { loadQuickJS } from "../../sandbox/quickjs-module.js";

type Doc = Record<string, any>;

export interface JsError { message: string; type: string | null; data: unknown; info: unknown }

export interface JsCallResult {
  value?: unknown;
  stash: Doc;
  error?: JsError;
  /** `runtime.earlyReturn(value)` was called. */
  earlyReturn?: boolean;
  /** `util.appendError` calls. */
  appended: JsError[];
  /** What the handler set through `extensions` (a subscription resolver's filters). */
  extensions?: { subscriptionFilter?: SubscriptionFilter; invalidationFilter?: SubscriptionFilter };
}

/** AppSync's enhanced subscription filter: groups OR'd, the filters of a group AND'd. */
export interface SubscriptionFilter {
  filterGroup: { filters: { fieldName: string; operator: string; value: unknown }[] }[];
}

const MEMORY_LIMIT = 32 * 1024 * 1024;
const DEADLINE_MS = Number(process.env.LOCAL_CLOUD_APPSYNC_JS_DEADLINE_MS ?? 2000);
const MAX_CACHED = 200;

/** `util`, `runtime`, `extensions` and the DynamoDB helpers, inside the VM. */
const PRELUDE = String.raw`
globalThis.__appsync = (function (host) {
  function AppSyncError(message, type, data, info) {
    this.__appsyncError = { message: String(message), type: type == null ? null : String(type), data: data == null ? null : data, info: info == null ? null : info };
  }
  function EarlyReturn(value) { this.__earlyReturn = true; this.value = value; }
  var appended = [];
  function isNull(v) { return v === null || v === undefined; }
  function toDynamoDB(v) {
    if (v === null || v === undefined) return { NULL: true };
    if (typeof v === "string") return { S: v };
    if (typeof v === "number") return { N: String(v) };
    if (typeof v === "boolean") return { BOOL: v };
    if (Array.isArray(v)) return { L: v.map(toDynamoDB) };
    var m = {};
    Object.keys(v).forEach(function (k) { if (v[k] !== undefined) m[k] = toDynamoDB(v[k]); });
    return { M: m };
  }
  function toMapValues(o) {
    var m = {};
    Object.keys(o || {}).forEach(function (k) { if (o[k] !== undefined) m[k] = toDynamoDB(o[k]); });
    return m;
  }
  var util = {
    error: function (message, type, data, info) { throw new AppSyncError(message, type, data, info); },
    appendError: function (message, type, data, info) { appended.push(new AppSyncError(message, type, data, info).__appsyncError); },
    unauthorized: function () { throw new AppSyncError("Unauthorized", "UnauthorizedException"); },
    autoId: function () { return host.uuid(); },
    isNull: isNull,
    isNullOrEmpty: function (v) { return isNull(v) || v === ""; },
    isNullOrBlank: function (v) { return isNull(v) || String(v).trim() === ""; },
    defaultIfNull: function (v, d) { return isNull(v) ? d : v; },
    defaultIfNullOrEmpty: function (v, d) { return isNull(v) || v === "" ? d : v; },
    defaultIfNullOrBlank: function (v, d) { return isNull(v) || String(v).trim() === "" ? d : v; },
    urlEncode: function (s) { return encodeURIComponent(String(s)); },
    urlDecode: function (s) { return decodeURIComponent(String(s)); },
    base64Encode: function (s) { return host.base64(String(s), "encode"); },
    base64Decode: function (s) { return host.base64(String(s), "decode"); },
    escapeJavaScript: function (s) { return JSON.stringify(String(s)).slice(1, -1); },
    time: {
      nowISO8601: function () { return new Date().toISOString(); },
      nowEpochSeconds: function () { return Math.floor(Date.now() / 1000); },
      nowEpochMilliSeconds: function () { return Date.now(); },
    },
    dynamodb: { toDynamoDB: toDynamoDB, toMapValues: toMapValues, toString: function (s) { return { S: String(s) }; }, toNumber: function (n) { return { N: String(n) }; } },
    transform: { toSubscriptionFilter: toSubscriptionFilter },
    str: { toUpper: function (s) { return String(s).toUpperCase(); }, toLower: function (s) { return String(s).toLowerCase(); } },
  };
  var runtime = { earlyReturn: function (value) { throw new EarlyReturn(value); } };
  var captured = {};
  var extensions = {
    setSubscriptionFilter: function (filter) { captured.subscriptionFilter = filter; },
    setSubscriptionInvalidationFilter: function (filter) { captured.invalidationFilter = filter; },
  };
  var FILTER_OPS = ["eq", "ne", "le", "lt", "ge", "gt", "contains", "notContains", "beginsWith", "in", "notIn", "between", "containsAny"];
  /** { field: { op: value }, or: [...], and: [...] } as AppSync's { filterGroup: [{ filters: [...] }] }. */
  function toSubscriptionFilter(spec) {
    function groups(s) {
      if (s.or) return s.or.reduce(function (acc, part) { return acc.concat(groups(part)); }, []);
      var filters = [];
      Object.keys(s).forEach(function (field) {
        if (field === "and") return;
        var ops = s[field];
        Object.keys(ops).forEach(function (op) {
          if (FILTER_OPS.indexOf(op) < 0) throw new Error("Unsupported subscription filter operator " + op);
          filters.push({ fieldName: field, operator: op, value: ops[op] });
        });
      });
      var out = [{ filters: filters }];
      (s.and || []).forEach(function (part) {
        var next = [];
        groups(part).forEach(function (g) { out.forEach(function (o) { next.push({ filters: o.filters.concat(g.filters) }); }); });
        out = next;
      });
      return out;
    }
    return { filterGroup: groups(spec || {}) };
  }
  var names = 0;
  function placeholder(prefix, value, into) { var k = prefix + (names++); into[k] = value; return k; }
  /** { id: { eq: 1 }, sk: { beginsWith: "a" } } as a DynamoDB expression. */
  function condition(spec) {
    var exprNames = {}, values = {}, parts = [];
    Object.keys(spec || {}).forEach(function (field) {
      var n = placeholder("#n", field, exprNames);
      var ops = spec[field];
      Object.keys(ops).forEach(function (op) {
        var v = ops[op];
        var val = function (x) { return placeholder(":v", toDynamoDB(x), values); };
        if (op === "eq") parts.push(n + " = " + val(v));
        else if (op === "ne") parts.push(n + " <> " + val(v));
        else if (op === "lt") parts.push(n + " < " + val(v));
        else if (op === "le") parts.push(n + " <= " + val(v));
        else if (op === "gt") parts.push(n + " > " + val(v));
        else if (op === "ge") parts.push(n + " >= " + val(v));
        else if (op === "beginsWith") parts.push("begins_with(" + n + ", " + val(v) + ")");
        else if (op === "between") parts.push(n + " BETWEEN " + val(v[0]) + " AND " + val(v[1]));
        else if (op === "contains") parts.push("contains(" + n + ", " + val(v) + ")");
        else if (op === "attributeExists") parts.push((v ? "attribute_exists(" : "attribute_not_exists(") + n + ")");
        else throw new Error("Unsupported condition operator " + op);
      });
    });
    return parts.length ? { expression: parts.join(" AND "), expressionNames: exprNames, expressionValues: values } : undefined;
  }
  var ddb = {
    get: function (p) { return { operation: "GetItem", key: toMapValues(p.key), consistentRead: p.consistentRead }; },
    put: function (p) { return { operation: "PutItem", key: toMapValues(p.key), attributeValues: toMapValues(p.item), condition: condition(p.condition) }; },
    remove: function (p) { return { operation: "DeleteItem", key: toMapValues(p.key), condition: condition(p.condition) }; },
    scan: function (p) { p = p || {}; return { operation: "Scan", index: p.index, limit: p.limit, nextToken: p.nextToken, filter: condition(p.filter), consistentRead: p.consistentRead }; },
    query: function (p) {
      return { operation: "Query", index: p.index, limit: p.limit, nextToken: p.nextToken, query: condition(p.query), filter: condition(p.filter), scanIndexForward: p.scanIndexForward, consistentRead: p.consistentRead };
    },
    /** update({ key, update: { field: value } }): SET each field. */
    update: function (p) {
      var exprNames = {}, values = {};
      var sets = Object.keys(p.update || {}).map(function (k) { return placeholder("#u", k, exprNames) + " = " + placeholder(":u", toDynamoDB(p.update[k]), values); });
      return { operation: "UpdateItem", key: toMapValues(p.key), update: { expression: "SET " + sets.join(", "), expressionNames: exprNames, expressionValues: values }, condition: condition(p.condition) };
    },
  };
  return { util: util, runtime: runtime, extensions: extensions, ddb: ddb, appended: appended, captured: captured };
})(globalThis.__host);
delete globalThis.__host;
globalThis.__invoke = function (exports, name, ctxJson) {
  var ctx = JSON.parse(ctxJson);
  ctx.args = ctx.arguments;
  var a = globalThis.__appsync;
  a.appended.length = 0;
  Object.keys(a.captured).forEach(function (k) { delete a.captured[k]; });
  var out = {};
  try {
    if (typeof exports[name] !== "function") throw new Error("The code does not export a " + name + " function");
    var value = exports[name](ctx);
    if (value !== undefined) out.value = value;
  } catch (e) {
    if (e && e.__appsyncError) out.error = e.__appsyncError;
    else if (e && e.__earlyReturn) { out.earlyReturn = true; if (e.value !== undefined) out.value = e.value; }
    else out.error = { message: String((e && e.message) || e), type: "Code", data: null, info: null };
  }
  out.stash = ctx.stash;
  out.appended = a.appended.slice();
  if (Object.keys(a.captured).length) out.extensions = JSON.parse(JSON.stringify(a.captured));
  return JSON.stringify(out);
};
`;

const MODULES: Record<string, string> = {
  "@aws-appsync/utils": "const a = globalThis.__appsync; export const util = a.util; export const runtime = a.runtime; export const extensions = a.extensions;",
  "@aws-appsync/utils/dynamodb": "const d = globalThis.__appsync.ddb; export const get = d.get; export const put = d.put; export const remove = d.remove; export const update = d.update; export const scan = d.scan; export const query = d.query;",
  "@aws-appsync/utils/rds": RDS_JS_MODULE,
};

interface Loaded {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  exports: QuickJSHandle;
  invoke: QuickJSHandle;
  state: { deadline: number };
}

export class AppSyncJsRuntime {
  private readonly loaded = new Map<string, Promise<Loaded>>();

  /** `deadlineMs`: how long one handler may run before it is stopped. */
  constructor(private readonly deadlineMs = DEADLINE_MS) {}

  async call(code: string, handler: "request" | "response", ctx: Doc): Promise<JsCallResult> {
    let pending = this.loaded.get(code);
    if (!pending) {
      if (this.loaded.size >= MAX_CACHED) this.close();
      pending = this.load(code);
      this.loaded.set(code, pending);
      pending.catch(() => this.loaded.delete(code));
    }
    let vm: Loaded;
    try {
      vm = await pending;
    } catch (err) {
      return { stash: ctx.stash ?? {}, appended: [], error: { message: (err as Error).message, type: "Code", data: null, info: null } };
    }
    const { context } = vm;
    vm.state.deadline = Date.now() + this.deadlineMs;
    const name = context.newString(handler);
    const arg = context.newString(JSON.stringify(ctx));
    const result = context.callFunction(vm.invoke, context.undefined, vm.exports, name, arg);
    name.dispose();
    arg.dispose();
    if (result.error) {
      const err = context.dump(result.error);
      result.error.dispose();
      return { stash: ctx.stash ?? {}, appended: [], error: { message: `${err?.name ?? "Error"}: ${err?.message ?? String(err)}`, type: "Code", data: null, info: null } };
    }
    const text = context.getString(result.value);
    result.value.dispose();
    return JSON.parse(text) as JsCallResult;
  }

  close(): void {
    for (const pending of this.loaded.values()) {
      void pending.then((vm) => {
        vm.exports.dispose();
        vm.invoke.dispose();
        vm.context.dispose();
        vm.runtime.dispose();
      }, () => {});
    }
    this.loaded.clear();
  }

  private async load(code: string): Promise<Loaded> {
    const quickjs = await loadQuickJS();
    const runtime = quickjs.newRuntime();
    runtime.setMemoryLimit(MEMORY_LIMIT);
    runtime.setMaxStackSize(512 * 1024);
    const state = { deadline: Date.now() + this.deadlineMs * 5 };
    runtime.setInterruptHandler(() => Date.now() > state.deadline);
    runtime.setModuleLoader((name) => {
      const source = MODULES[name];
      if (source === undefined) throw new Error(`Cannot find module '${name}': APPSYNC_JS code may import only @aws-appsync/utils, @aws-appsync/utils/dynamodb and @aws-appsync/utils/rds`);
      return source;
    });
    const context = runtime.newContext();
    // Every handle must be disposed before the runtime is, or QuickJS aborts the whole WebAssembly module.
    const owned: QuickJSHandle[] = [];
    try {
      const host = context.newObject();
      owned.push(host);
      const uuid = context.newFunction("uuid", () => context.newString(randomUUID()));
      const base64 = context.newFunction("base64", (text, way) => {
        const s = context.getString(text);
        return context.newString(context.getString(way) === "encode" ? Buffer.from(s, "utf8").toString("base64") : Buffer.from(s, "base64").toString("utf8"));
      });
      context.setProp(host, "uuid", uuid);
      context.setProp(host, "base64", base64);
      context.setProp(context.global, "__host", host);
      uuid.dispose();
      base64.dispose();
      context.unwrapResult(context.evalCode(PRELUDE, "prelude.js", { type: "global" })).dispose();
      const exports = await this.evaluateModule(context, runtime, code);
      owned.push(exports);
      const invoke = context.getProp(context.global, "__invoke");
      host.dispose();
      return { runtime, context, exports, invoke, state };
    } catch (err) {
      for (const h of owned) if (h.alive) h.dispose();
      context.dispose();
      runtime.dispose();
      const e = err as { message?: string; name?: string };
      throw new Error(`The code does not load: ${e?.name && e.name !== "Error" ? `${e.name}: ` : ""}${e?.message ?? String(err)}`);
    }
  }

  /** The module's exports; QuickJS may answer a module's evaluation with a promise of them. */
  private async evaluateModule(context: QuickJSContext, runtime: QuickJSRuntime, code: string): Promise<QuickJSHandle> {
    const evaluated = context.unwrapResult(context.evalCode(code, "resolver.mjs", { type: "module" }));
    const state = context.getPromiseState(evaluated);
    if (state.type === "fulfilled") {
      if (state.notAPromise) return evaluated;
      evaluated.dispose();
      return state.value;
    }
    if (state.type === "rejected") {
      evaluated.dispose();
      const err = context.dump(state.error);
      state.error.dispose();
      throw new Error(err?.message ?? String(err));
    }
    const pending = context.resolvePromise(evaluated);
    runtime.executePendingJobs();
    const resolved = await pending;
    evaluated.dispose();
    return context.unwrapResult(resolved);
  }
}
