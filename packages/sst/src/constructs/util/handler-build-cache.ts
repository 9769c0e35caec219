/**
 * esbuild outputs of sst's own handler code (custom resources, edge providers), kept
 * between synths: every synth used to bundle them again (a synchronous esbuild run of
 * 100–250 ms on the start of every `sst dev`), though they change only with sst's sources.
 * A build is stored under `node_modules/.cache/sst-handlers/<key>/` with the size and
 * mtime of each source it read, and copied from there while those still hold.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { SST_PACKAGE_ROOT } from "../../build/node-paths.js";
import { unchangedFiles } from "../../cli-bundle/bootstrap.mjs";

const CACHE_ROOT = path.join(SST_PACKAGE_ROOT, "node_modules", ".cache", "sst-handlers");

interface Record {
  inputs: [string, number, number][];
}

/** Builds `options` (entries of sst's own code, no outdir) into `outDir`, or copies the stored build of the same sources. */
export function buildOwnHandlers(options: Omit<esbuild.BuildOptions, "outdir" | "metafile" | "write" | "absWorkingDir">, outDir: string, cacheRoot = CACHE_ROOT): void {
  const key = crypto.createHash("sha1").update(JSON.stringify([options, esbuild.version])).digest("hex").slice(0, 16);
  const stored = path.join(cacheRoot, key);
  const record = readRecord(stored);
  if (record && unchangedFiles(record.inputs)) {
    fs.cpSync(path.join(stored, "out"), outDir, { recursive: true });
    return;
  }
  const result = esbuild.buildSync({ ...options, outdir: outDir, absWorkingDir: SST_PACKAGE_ROOT, metafile: true });
  const inputs: Record["inputs"] = Object.keys(result.metafile!.inputs)
    .map((input) => path.resolve(SST_PACKAGE_ROOT, input))
    .map((file) => {
      const st = fs.statSync(file);
      return [file, st.size, st.mtimeMs];
    });
  try {
    // Stored whole or not at all: built aside, then renamed into place.
    const aside = `${stored}.${process.pid}`;
    fs.rmSync(aside, { recursive: true, force: true });
    fs.cpSync(outDir, path.join(aside, "out"), { recursive: true });
    fs.writeFileSync(path.join(aside, "record.json"), JSON.stringify({ inputs } satisfies Record));
    fs.rmSync(stored, { recursive: true, force: true });
    fs.renameSync(aside, stored);
  } catch {
    // Not stored (a read-only install, a race with another synth): built again next time.
  }
}

function readRecord(dir: string): Record | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(path.join(dir, "record.json"), "utf8")) as Record;
    return Array.isArray(record.inputs) ? record : undefined;
  } catch {
    return undefined;
  }
}
