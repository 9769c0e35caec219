/**
 * Which module runs the CLI: the bundle of its sources (cache.ts), or the sources
 * themselves through tsx when `SST_CLI_BUNDLE=0` or when bundling fails (said once, on
 * stderr; the command still runs).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freshCliBundle } from "./cache.js";

const SST_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGES_DIR = path.dirname(SST_ROOT.replace(/\/$/, ""));
const MAIN_SOURCE = path.join(SST_ROOT, "src/cli/main.ts");

/** What a config imports from sst (project/load.ts pins these): shared with the CLI, never bundled. */
function sharedEntries(): string[] {
  const nodeDir = path.join(SST_ROOT, "src/node");
  const nodeEntries = fs
    .readdirSync(nodeDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(nodeDir, d.name, "index.ts")))
    .map((d) => path.join(nodeDir, d.name, "index.ts"));
  return [path.join(SST_ROOT, "src/index.ts"), path.join(SST_ROOT, "src/constructs/index.ts"), ...nodeEntries];
}

function toolchain(): string {
  const esbuildVersion = JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.resolve("esbuild"))), "..", "package.json"), "utf8")).version;
  return `node ${process.version}, esbuild ${esbuildVersion}`;
}

export async function cliMainUrl(): Promise<string> {
  if (process.env.SST_CLI_BUNDLE === "0") return pathToFileURL(MAIN_SOURCE).href;
  try {
    const entry = await freshCliBundle({
      cacheDir: path.join(SST_ROOT, "node_modules", ".cache", "sst-cli"),
      toolchain: toolchain(),
      packagesDir: PACKAGES_DIR,
      entry: MAIN_SOURCE,
      sharedEntries: sharedEntries(),
    });
    return pathToFileURL(entry).href;
  } catch (e) {
    process.stderr.write(`sst: could not bundle the CLI, running it from source (${(e as Error).message})\n`);
    return pathToFileURL(MAIN_SOURCE).href;
  }
}
