/**
 * The Live Lambda stub as a Lambda code directory: stub.ts (with the protocol it
 * shares with `sst dev`) bundled by esbuild into `<dir>/index.mjs`, handler
 * "index.handler". Built once per process into the app's artifacts; the AWS SDK stays
 * external, as every Node.js Lambda runtime ships it.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const STUB_ENTRY = fileURLToPath(new URL("./stub.ts", import.meta.url));
const built = new Set<string>();

export const STUB_HANDLER = "index.handler";

/** Builds the stub into `dir` (unless this process did already) and returns `dir`. */
export function liveLambdaStubDir(dir: string): string {
  if (built.has(dir)) return dir;
  fs.mkdirSync(dir, { recursive: true });
  esbuild.buildSync({
    entryPoints: [STUB_ENTRY],
    outfile: path.join(dir, "index.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node18",
    external: ["@aws-sdk/*"],
    legalComments: "none",
    logLevel: "silent",
  });
  built.add(dir);
  return dir;
}
