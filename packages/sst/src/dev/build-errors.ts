/**
 * esbuild failures as lines a person can click: `file:line:col: message`.
 */
interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText?: string } | null;
}

export function formatBuildMessages(messages: EsbuildMessage[]): string[] {
  return messages.map((m) =>
    m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text,
  );
}

/** Messages of an esbuild BuildFailure, or the error's own message for anything else. */
export function buildErrorLines(err: unknown): string[] {
  const errors = (err as { errors?: EsbuildMessage[] })?.errors;
  if (Array.isArray(errors) && errors.length) return formatBuildMessages(errors);
  return [err instanceof Error ? err.message : String(err)];
}

/** Thrown when a function has never built successfully, so there is no code to run. */
export class FunctionBuildError extends Error {
  constructor(readonly handler: string, readonly lines: string[]) {
    super(`Failed to build ${handler}\n${lines.join("\n")}`);
    this.name = "FunctionBuildError";
  }
}
