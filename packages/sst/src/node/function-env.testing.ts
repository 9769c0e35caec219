/**
 * For tests of the runtime clients: run an ESM snippet in a child process with a
 * function's environment (the clients read it once, at import), through tsx.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

/** stdout when the snippet succeeds, else its stderr; the test's own SST_/AWS_ variables are left out. */
export async function runInFunctionEnv(code: string, env: Record<string, string>): Promise<{ ok: boolean; out: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SST_") && !k.startsWith("AWS_")));
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      cwd: here, env: { ...clean, ...env }, timeout: 30_000,
    });
    return { ok: true, out: stdout.trim() };
  } catch (e: any) {
    return { ok: false, out: String(e.stderr ?? e.message) };
  }
}

/** A JSON string literal of the path of `sst/node/<mod>`'s entry, for `await import(...)` in a snippet. */
export const nodeModulePath = (mod: string) => JSON.stringify(path.join(here, mod, "index.ts"));
