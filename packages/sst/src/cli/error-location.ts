/**
 * Where in the user's code an error was thrown. Errors from stack code (a construct
 * given bad props, a typo'd variable) carry a stack whose top frames are in sst or
 * aws-cdk-lib; the first frame in the app's own files is the line to fix.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

const SST_ROOT = fileURLToPath(new URL("../../", import.meta.url));

function framePath(line: string): { file: string; line: number; column: number } | undefined {
  // "at fn (/abs/file.ts:1:2)", "at /abs/file.ts:1:2", or file:// URLs; never "node:internal/…".
  const m = /(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
  if (!m) return undefined;
  const file = m[1].startsWith("file://") ? fileURLToPath(m[1]) : m[1];
  return { file, line: Number(m[2]), column: Number(m[3]) };
}

/** "stacks/One.ts:2:9" for the first stack frame in the app's code, relative to cwd. */
export function userCodeLocation(err: unknown, cwd = process.cwd()): string | undefined {
  const stack = (err as Error)?.stack;
  if (typeof stack !== "string") return undefined;
  for (const line of stack.split("\n").slice(1)) {
    if (!/^\s+at /.test(line)) continue;
    const frame = framePath(line);
    if (!frame) continue;
    if (frame.file.includes(`${path.sep}node_modules${path.sep}`) || frame.file.startsWith(SST_ROOT)) continue;
    // Generated bundles (the compiled config) are not where the user edits.
    if (/\.sst\//.test(frame.file)) continue;
    return `${path.relative(cwd, frame.file) || frame.file}:${frame.line}:${frame.column}`;
  }
  return undefined;
}
