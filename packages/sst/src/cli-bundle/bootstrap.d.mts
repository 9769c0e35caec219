/** Types of bootstrap.mjs (plain JavaScript: it runs before any TypeScript loader). */
export type CliProgram = "main" | "synth-worker";

/** `current.json` in the bundle cache. */
export interface BundlePointer {
  /** The build directory, relative to the cache directory. */
  dir: string;
  /** The entries it was built with: output name → source. */
  entries: Record<string, string>;
  /** Node and esbuild versions it was made with. */
  toolchain: string;
  /** [file, size, mtimeMs] of every source file it was made from. */
  inputs: [string, number, number][];
}

export const PACKAGES_DIR: string;
export const CACHE_DIR: string;
export function ensureTsx(): Promise<void>;
export function bundleEntries(): Record<string, string>;
export function toolchain(): string;
export function unchangedFiles(inputs: [string, number, number][]): boolean;
export function freshBundleDir(cacheDir: string, tools: string, entries: Record<string, string>): string | undefined;
export function bundleDirEnv(): Record<string, string>;
export function programUrl(program: CliProgram): Promise<string>;
export function sharedModulePath(rel: string): string;
