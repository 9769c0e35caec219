/**
 * Runs CloudFront Functions. Their code is untrusted and tiny, so it runs inside
 * QuickJS compiled to WebAssembly (quickjs-emscripten): a separate JavaScript engine
 * with no access to the host's objects, file system or network. What crosses the
 * boundary is strings only — the event goes in as JSON, the result comes out as JSON,
 * and the one host function (hashing, for the `crypto` module CloudFront provides)
 * takes and returns strings.
 *
 * Limits as CloudFront sets them: 2 MB of memory; the compute limit is applied as a
 * wall-clock deadline (generous, since a shared machine is noisy). One context is kept
 * per published code version and reused, like a warm runtime; CloudFront gives no
 * guarantee that globals survive between invocations, and functions must not rely on
 * it either way.
 */
import { createHash, createHmac } from "node:crypto";
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten";
import { loadQuickJS } from "../../sandbox/quickjs-module.js";

const MEMORY_LIMIT = 2 * 1024 * 1024;
const DEADLINE_MS = Number(process.env.LOCAL_CLOUD_CF_FUNCTION_DEADLINE_MS ?? 100);
const HASHES = new Set(["md5", "sha1", "sha256"]);
const ENCODINGS = new Set(["hex", "base64", "base64url"]);

/** The `require()` CloudFront Functions offer: crypto (hash, hmac) and querystring. */
const PRELUDE = `
(function (digest) {
  function hasher(kind, alg, key) {
    var data = "";
    var self = {
      update: function (chunk) { data += String(chunk); return self; },
      digest: function (encoding) { return digest(kind, String(alg), key === undefined ? "" : String(key), data, encoding === undefined ? "hex" : String(encoding)); }
    };
    return self;
  }
  var crypto = {
    createHash: function (alg) { return hasher("hash", alg); },
    createHmac: function (alg, key) { return hasher("hmac", alg, key); }
  };
  var querystring = {
    parse: function (text, sep, eq) {
      var out = {};
      String(text || "").split(sep || "&").forEach(function (pair) {
        if (!pair) return;
        var i = pair.indexOf(eq || "=");
        var k = decodeURIComponent((i < 0 ? pair : pair.slice(0, i)).replace(/\\+/g, " "));
        var v = i < 0 ? "" : decodeURIComponent(pair.slice(i + 1).replace(/\\+/g, " "));
        if (k in out) out[k] = [].concat(out[k], v); else out[k] = v;
      });
      return out;
    },
    stringify: function (obj, sep, eq) {
      return Object.keys(obj || {}).map(function (k) {
        return [].concat(obj[k]).map(function (v) { return encodeURIComponent(k) + (eq || "=") + encodeURIComponent(v); }).join(sep || "&");
      }).join(sep || "&");
    }
  };
  // CloudFront sends console output to CloudWatch Logs; here it is dropped.
  globalThis.console = { log: function () {}, warn: function () {}, error: function () {} };
  globalThis.require = function (name) {
    if (name === "crypto") return crypto;
    if (name === "querystring") return querystring;
    throw new Error("Cannot find module '" + name + "'");
  };
})(globalThis.__digest);
delete globalThis.__digest;
`;

export class CloudFrontFunctionError extends Error {}

interface Compiled {
  context: QuickJSContext;
  run: QuickJSHandle;
  /** When the running invocation must stop (read by the context's interrupt handler). */
  deadline: number;
}

export class FunctionRuntime {
  private readonly compiled = new Map<string, Compiled>();
  /** Compilations in progress, so concurrent first calls share one context. */
  private readonly compiling = new Map<string, Promise<Compiled>>();

  /**
   * Run `code`'s `handler(event)` and return what it returned. `key` identifies the
   * code version (the same key reuses the compiled context).
   */
  async run(key: string, code: string, event: unknown): Promise<any> {
    let c = this.compiled.get(key);
    if (!c) {
      let pending = this.compiling.get(key);
      if (!pending) {
        pending = this.compile(key, code).finally(() => this.compiling.delete(key));
        this.compiling.set(key, pending);
      }
      c = await pending;
    }
    const { context } = c;
    c.deadline = Date.now() + DEADLINE_MS;
    const arg = context.newString(JSON.stringify(event));
    const result = context.callFunction(c.run, context.undefined, arg);
    arg.dispose();
    if (result.error) {
      const err = context.dump(result.error);
      result.error.dispose();
      throw new CloudFrontFunctionError(describe(err));
    }
    const text = context.getString(result.value);
    result.value.dispose();
    return text === "undefined" ? undefined : JSON.parse(text);
  }

  /** Forget compiled code (a function updated or deleted). */
  forget(prefix: string): void {
    for (const [key, c] of this.compiled) {
      if (!key.startsWith(prefix)) continue;
      c.run.dispose();
      const runtime = c.context.runtime;
      c.context.dispose();
      runtime.dispose();
      this.compiled.delete(key);
    }
  }

  close(): void {
    this.forget("");
  }

  private async compile(key: string, code: string): Promise<Compiled> {
    const module = await loadQuickJS();
    const runtime = module.newRuntime();
    runtime.setMemoryLimit(MEMORY_LIMIT);
    runtime.setMaxStackSize(256 * 1024);
    const context = runtime.newContext();
    const state = { deadline: Date.now() + DEADLINE_MS * 5 };
    // One handler for the context's life (installing one per call costs more than the call).
    runtime.setInterruptHandler(() => Date.now() > state.deadline);
    try {
      const digestFn = context.newFunction("__digest", (...handles) => {
        const [kind, alg, hmacKey, data, encoding] = handles.map((h) => context.getString(h));
        return context.newString(digest(kind!, alg!, hmacKey!, data!, encoding!));
      });
      context.setProp(context.global, "__digest", digestFn);
      digestFn.dispose();
      unwrap(context, context.evalCode(PRELUDE, "prelude.js"));
      unwrap(context, context.evalCode(code, "function.js"));
      const run = context.unwrapResult(
        context.evalCode(
          `(function (eventJson) {
            if (typeof handler !== "function") throw new Error("The function code must define a function named handler");
            var out = handler(JSON.parse(eventJson));
            return out === undefined ? "undefined" : JSON.stringify(out);
          })`,
          "run.js",
        ),
      );
      const compiled: Compiled = {
        context,
        run,
        get deadline() {
          return state.deadline;
        },
        set deadline(v: number) {
          state.deadline = v;
        },
      };
      this.compiled.set(key, compiled);
      return compiled;
    } catch (err) {
      context.dispose();
      runtime.dispose();
      throw err instanceof CloudFrontFunctionError ? err : new CloudFrontFunctionError(String((err as Error)?.message ?? err));
    }
  }
}

function unwrap(context: QuickJSContext, result: ReturnType<QuickJSContext["evalCode"]>): void {
  if (result.error) {
    const err = context.dump(result.error);
    result.error.dispose();
    throw new CloudFrontFunctionError(describe(err));
  }
  result.value.dispose();
}

function describe(err: any): string {
  if (err && typeof err === "object") return `${err.name ?? "Error"}: ${err.message ?? JSON.stringify(err)}`;
  return String(err);
}

function digest(kind: string, alg: string, key: string, data: string, encoding: string): string {
  if (!HASHES.has(alg)) throw new Error(`Digest method not supported: ${alg}`);
  const enc = (ENCODINGS.has(encoding) ? encoding : "hex") as "hex" | "base64" | "base64url";
  const h = kind === "hmac" ? createHmac(alg, key) : createHash(alg);
  return h.update(data).digest(enc);
}
