/**
 * Prints what functions do during `sst dev`, from the local cloud's events: each
 * invocation (which handler, how long, how it ended), its console output, and
 * errors with their stack traces. Lines carry the handler so concurrent
 * invocations stay readable.
 */
import type { EventEmitter } from "node:events";
import type { Ui } from "../cli/ui.js";

interface LambdaStart {
  functionName: string;
  requestId: string;
}
interface LambdaLog extends LambdaStart {
  line: string;
}
interface LambdaEnd extends LambdaStart {
  durationMs: number;
  status: "success" | "error" | "timeout";
  error?: { errorType?: string; errorMessage?: string; stack?: string | string[]; trace?: string[] };
}

/** The Lambda log prefix ("2024-01-01T00:00:00.000Z\t<request id>\tINFO\t") is noise in a terminal. */
export function stripLogPrefix(line: string): string {
  return line.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z\t[\w-]+\t(?:INFO|WARN|ERROR|DEBUG|TRACE|FATAL)\t/, "").replace(/\n$/, "");
}

/** Frames of the local Lambda runtime, Node's module loader, and the build-error stand-in module. */
const LOCAL_RUNTIME_FRAME = /local-cloud\/src\/services\/lambda\/runtime\/worker\/|\(node:internal\/|at node:internal\/|\/error-[0-9a-f]+\.mjs:/;

function stackLines(error: LambdaEnd["error"]): string[] {
  const raw = error?.stack ?? error?.trace;
  // Python's frames are "  File …, line N, in f\n    code\n": one entry, two lines.
  const lines = Array.isArray(raw) ? raw.flatMap((l) => (l.includes("\n") ? l.replace(/\n$/, "").split("\n") : l)) : typeof raw === "string" ? raw.split("\n") : [];
  // The first line of a Node.js stack repeats "Type: message", printed already; frames of
  // the local Lambda runtime itself say nothing about the user's code.
  const message = error?.errorMessage ?? "";
  return lines.filter(
    (l, i) => !(i === 0 && !/^\s+(at |File ")/.test(l)) && !LOCAL_RUNTIME_FRAME.test(l) && !(l.trim() && message.includes(l.trim())),
  );
}

/**
 * The Python runtime's line for a failed invocation: "[ERROR] Type: message", then the
 * traceback (a space after "[ERROR]"; the root logger's own lines have a tab there).
 */
const PYTHON_ERROR_LINE = /^\[ERROR\] [\w.]+: /;

function isErrorDocument(line: string): boolean {
  return line.includes("\tInvoke Error \t") || PYTHON_ERROR_LINE.test(line);
}

/**
 * Invocations printed per second (with their lines) before the rest are summarized: a
 * person reads a few invocations a second; under load (tests, benchmarks) printing each
 * one would cost more than serving it. Errors are never lost: the first of each kind in
 * a second is printed whole, the rest are counted.
 */
export const INVOCATIONS_PER_SECOND = 50;
const WINDOW_MS = 1000;

interface Summary {
  invocations: number;
  ok: number;
  failed: number;
  timedOut: number;
  logLines: number;
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < text.length - 1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

export function attachInvocationLog(
  events: EventEmitter,
  ui: Ui,
  labelOf: (functionName: string) => string,
  opts: { verbose?: boolean; invocationsPerSecond?: number } = {},
): () => void {
  const perSecond = opts.invocationsPerSecond ?? INVOCATIONS_PER_SECOND;
  let budget = perSecond;
  let window: NodeJS.Timeout | undefined;
  /** Invocations whose start was printed: their lines and end are printed too. */
  const shown = new Set<string>();
  /** Per function, what was not printed in this window. */
  const summaries = new Map<string, Summary>();
  /** Errors printed in this window (by function, type and message) and how often they came again. */
  const errorsSeen = new Map<string, { label: string; text: string; repeats: number }>();

  const spend = (lines = 1): boolean => {
    window ??= setTimeout(endWindow, WINDOW_MS).unref();
    if (budget < lines) return false;
    budget -= lines;
    return true;
  };
  const summaryOf = (functionName: string): Summary => {
    let s = summaries.get(functionName);
    if (!s) summaries.set(functionName, (s = { invocations: 0, ok: 0, failed: 0, timedOut: 0, logLines: 0 }));
    return s;
  };
  const endWindow = () => {
    window = undefined;
    budget = perSecond;
    for (const [functionName, s] of summaries) {
      if (s.invocations === 0 && s.logLines === 0) continue;
      const parts = [`${s.ok} ok`];
      if (s.failed) parts.push(`${s.failed} failed`);
      if (s.timedOut) parts.push(`${s.timedOut} timed out`);
      const logs = s.logLines ? `, ${s.logLines} log lines not shown (the Console and CloudWatch Logs have them)` : "";
      ui.line(`|  ${labelOf(functionName)}  ${s.invocations} more invocations in the last second (${parts.join(", ")})${logs}`);
    }
    summaries.clear();
    for (const e of errorsSeen.values()) if (e.repeats) ui.error(`${e.label} failed ${e.repeats} more times in the last second with ${e.text}`);
    errorsSeen.clear();
  };

  const onStart = (e: LambdaStart) => {
    if (spend()) {
      shown.add(e.requestId);
      ui.line(`|  Invoked ${labelOf(e.functionName)}`);
    } else summaryOf(e.functionName).invocations++;
  };
  const onLog = (e: LambdaLog) => {
    const line = e.line;
    // The runtime's own START/END/REPORT lines repeat what Invoked/Done say.
    if (line.startsWith("START RequestId: ") || line.startsWith("END RequestId: ") || line.startsWith("REPORT RequestId: ")) return;
    if (!shown.has(e.requestId)) {
      // Summarized (the common case under load): count the lines, format nothing.
      const count = countLines(line);
      if (!spend(count)) {
        if (!isErrorDocument(line)) summaryOf(e.functionName).logLines += count;
        return;
      }
    }
    const text = stripLogPrefix(line);
    // The runtime logs a failed invocation's error document; lambda:end prints it readably.
    if (text.startsWith("Invoke Error ") || PYTHON_ERROR_LINE.test(line)) return;
    const label = labelOf(e.functionName);
    for (const l of text.split("\n")) ui.line(`|  ${label}  ${l}`);
  };
  const onEnd = (e: LambdaEnd) => {
    const printed = shown.delete(e.requestId);
    if (!printed && e.status === "success") {
      summaryOf(e.functionName).ok++;
      return;
    }
    const label = labelOf(e.functionName);
    const ms = Math.round(e.durationMs);
    if (e.status === "success") {
      ui.line(`|  Done ${label} ${ms}ms`);
      return;
    }
    if (!printed) {
      // Summarized: the first error of its kind in this second is printed whole, the rest counted.
      const s = summaryOf(e.functionName);
      if (e.status === "timeout") s.timedOut++;
      else s.failed++;
      const text = e.status === "timeout" ? "a timeout" : `${e.error?.errorType ?? "Error"}: ${e.error?.errorMessage ?? ""}`;
      const key = `${e.functionName}\u0000${text}`;
      const seen = errorsSeen.get(key);
      if (seen) {
        seen.repeats++;
        return;
      }
      errorsSeen.set(key, { label, text, repeats: 0 });
    }
    if (e.status === "timeout") {
      ui.error(`${label} timed out after ${ms}ms`);
    } else {
      ui.error(`${label} failed after ${ms}ms: ${e.error?.errorType ?? "Error"}: ${e.error?.errorMessage ?? ""}`);
      for (const l of stackLines(e.error)) ui.line(`   ${l.trim()}`);
    }
  };
  const onApi = (e: { method: string; path: string; status: number; durationMs: number }) =>
    ui.debug(`|  ${e.method} ${e.path} → ${e.status} (${Math.round(e.durationMs)}ms)`);
  events.on("lambda:start", onStart);
  events.on("lambda:log", onLog);
  events.on("lambda:end", onEnd);
  if (opts.verbose) events.on("apigateway:request", onApi);
  return () => {
    events.off("lambda:start", onStart);
    events.off("lambda:log", onLog);
    events.off("lambda:end", onEnd);
    events.off("apigateway:request", onApi);
    if (window) clearTimeout(window);
    endWindow();
  };
}
