/** Turn an esbuild failure into one Error whose message starts with `file:line:column`. */
import path from "node:path";
import type { Message } from "esbuild";

export function formatEsbuildMessages(messages: Message[], cwd: string): string {
  return messages
    .map((m) => {
      const loc = m.location;
      const where = loc ? `${path.resolve(cwd, loc.file)}:${loc.line}:${loc.column + 1}: ` : "";
      const snippet = loc?.lineText ? `\n    ${loc.lineText}` : "";
      return `${where}ERROR: ${m.text}${snippet}`;
    })
    .join("\n");
}

export function esbuildError(e: unknown, cwd: string, prefix?: string): Error {
  const errors = (e as any)?.errors as Message[] | undefined;
  if (Array.isArray(errors) && errors.length > 0) {
    const err = new Error((prefix ? prefix + "\n" : "") + formatEsbuildMessages(errors, cwd));
    (err as any).esbuildErrors = errors;
    return err;
  }
  return e instanceof Error ? e : new Error(String(e));
}
