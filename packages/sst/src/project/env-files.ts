/**
 * `.env` files, loaded as SST v2 loads them: once the stage is known and before the
 * stacks run, `.env`, `.env.local`, `.env.<stage>` and `.env.<stage>.local` from the
 * app's root, each overriding the ones before it (and the environment the CLI was
 * started with).
 */
import fs from "node:fs";
import path from "node:path";
import dotenv from "dotenv";

export function envFiles(root: string, stage: string): string[] {
  return [".env", ".env.local", `.env.${stage}`, `.env.${stage}.local`].map((f) => path.join(root, f));
}

/** Loads the files that exist into process.env; returns the ones loaded. */
export function loadEnvFiles(root: string, stage: string): string[] {
  const loaded: string[] = [];
  for (const file of envFiles(root, stage)) {
    if (!fs.existsSync(file)) continue;
    const result = dotenv.config({ path: file, override: true, quiet: true } as dotenv.DotenvConfigOptions);
    if (result.error) throw new Error(`${file}: ${result.error.message}`);
    loaded.push(file);
  }
  return loaded;
}
