/**
 * Node's error for a named import a package does not export ("The requested module
 * 'file:///…/sst/constructs/index.mjs' does not provide an export named 'GraphQLApi'")
 * names the bundle's resolved module, not the app's file. The config bundle keeps
 * packages external, so esbuild cannot catch it; this finds the import in the app's own
 * source files and says where it is.
 */
import fs from "node:fs";
import path from "node:path";

const MISSING_EXPORT = /does not provide an export named '([^']+)'/;

/** The app's line that imports `name`, as `{ file, line, from }`, or undefined. */
export function findNamedImport(files: string[], name: string): { file: string; line: number; from: string } | undefined {
  const escaped = name.replace(/[$]/g, "\\$");
  const statement = new RegExp(`import\\s+(?:type\\s+)?(?:[\\w$]+\\s*,\\s*)?\\{[^}]*\\b${escaped}\\b[^}]*\\}\\s*from\\s*["']([^"']+)["']`, "g");
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const match = statement.exec(text);
    statement.lastIndex = 0;
    if (match) return { file, line: text.slice(0, match.index).split("\n").length, from: match[1]! };
  }
  return undefined;
}

/**
 * When `err` is Node's missing-export error, an Error naming the app's file and line, the
 * package and the name; else `err` unchanged.
 */
export function explainMissingExport(err: unknown, files: string[], root: string): unknown {
  const name = err instanceof SyntaxError ? MISSING_EXPORT.exec(err.message)?.[1] : undefined;
  if (!name) return err;
  const found = findNamedImport(files, name);
  if (!found) return err;
  return new Error(`${path.relative(root, found.file) || found.file}:${found.line}: "${found.from}" has no export named "${name}"`);
}
