import fs from "node:fs";
import path from "node:path";

/** `.sst/outputs.json` of an app: { [stackName]: { [OutputKey]: value } }. */
export function readOutputs(appDir: string): Record<string, Record<string, string>> {
  return JSON.parse(fs.readFileSync(path.join(appDir, ".sst", "outputs.json"), "utf8"));
}

/** The first output named `key` across the app's stacks. */
export function output(appDir: string, key: string): string {
  for (const stack of Object.values(readOutputs(appDir))) if (key in stack) return stack[key]!;
  throw new Error(`No output ${key} in ${appDir}/.sst/outputs.json`);
}

export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
