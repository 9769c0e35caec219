/**
 * A handler string "packages/functions/src/users/list.handler" names a file (without
 * extension) and an export. The file must exist; the error lists every path tried.
 */
import fs from "node:fs";
import path from "node:path";

export const HANDLER_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

export interface ResolvedHandler {
  /** Absolute entry file. */
  file: string;
  exportName: string;
  tried: string[];
}

export function splitHandler(handler: string): { base: string; exportName: string } {
  const slash = handler.lastIndexOf("/");
  const dot = handler.lastIndexOf(".");
  if (dot <= slash || dot === handler.length - 1) {
    throw new Error(`Invalid handler "${handler}": expected "path/to/file.exportName", e.g. "packages/functions/src/lambda.handler"`);
  }
  return { base: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

/** Resolve without throwing; `file` is undefined when no candidate exists. */
export function findHandler(root: string, handler: string): { file?: string; exportName: string; tried: string[] } {
  const { base, exportName } = splitHandler(handler);
  const abs = path.resolve(root, base);
  const tried = HANDLER_EXTENSIONS.map((ext) => abs + ext);
  const file = tried.find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  return { file, exportName, tried };
}

export function resolveHandler(root: string, handler: string, context?: string): ResolvedHandler {
  const r = findHandler(root, handler);
  if (!r.file) {
    throw new Error(
      `${context ? context + ": " : ""}cannot find the handler file for "${handler}". Tried:\n` +
        r.tried.map((t) => `  ${t}`).join("\n"),
    );
  }
  return { file: r.file, exportName: r.exportName, tried: r.tried };
}
