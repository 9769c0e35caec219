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
const LOCAL_RUNTIME_FRAME = /local-cloud\/src\/lambda\/worker\/|\(node:internal\/|at node:internal\/|\/error-[0-9a-f]+\.mjs:/;

function stackLines(error: LambdaEnd["error"]): string[] {
  const raw = error?.stack ?? error?.trace;
  const lines = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split("\n") : [];
  // The first line of a stack repeats "Type: message", printed already; frames of the
  // local Lambda runtime itself say nothing about the user's code.
  const message = error?.errorMessage ?? "";
  return lines.filter(
    (l, i) => !(i === 0 && !/^\s+at /.test(l)) && !LOCAL_RUNTIME_FRAME.test(l) && !(l.trim() && message.includes(l.trim())),
  );
}

export function attachInvocationLog(
  events: EventEmitter,
  ui: Ui,
  labelOf: (functionName: string) => string,
  opts: { verbose?: boolean } = {},
): () => void {
  const onStart = (e: LambdaStart) => ui.line(`|  Invoked ${labelOf(e.functionName)}`);
  const onLog = (e: LambdaLog) => {
    // The runtime's own START/END/REPORT lines repeat what Invoked/Done say.
    if (/^(START|END|REPORT) RequestId: /.test(e.line)) return;
    const text = stripLogPrefix(e.line);
    // The runtime logs a failed invocation's error document; lambda:end prints it readably.
    if (text.startsWith("Invoke Error ")) return;
    const label = labelOf(e.functionName);
    for (const l of text.split("\n")) ui.line(`|  ${label}  ${l}`);
  };
  const onEnd = (e: LambdaEnd) => {
    const label = labelOf(e.functionName);
    const ms = Math.round(e.durationMs);
    if (e.status === "success") {
      ui.line(`|  Done ${label} ${ms}ms`);
    } else if (e.status === "timeout") {
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
  };
}
