/**
 * `sst dev` runs a Python function from its source folder, in place, as SST v2's dev
 * mode did: the folder is the nearest one above the handler holding requirements.txt,
 * Pipfile or poetry.lock (as for a deploy build), the module is the handler's path
 * relative to it, and the interpreter is the developer's python3 with whatever they
 * installed in it (SST v2 installed nothing under dev either). There is nothing to
 * build: the "artifact" names the file and a version that changes whenever a file of
 * the source folder changes, so the next invocation starts a fresh environment on the
 * new code.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pythonSourceDir } from "../build/python-build.js";
import type { FunctionArtifact } from "./function-builder.js";
import { exportNameOf } from "./function-builder.js";

/** Folders of a source tree that are never the function's code: caches, environments, dependencies. */
const IGNORED = new Set(["__pycache__", "node_modules", ".sst", ".git", ".venv", "venv", ".mypy_cache", ".pytest_cache", ".tox"]);

/** Whether a change to `file` changes the code of the function whose source folder is `srcDir`. */
export function isPythonSourceChange(srcDir: string, file: string): boolean {
  const rel = path.relative(srcDir, file);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return false;
  return !rel.split(path.sep).some((part) => IGNORED.has(part)) && !file.endsWith(".pyc");
}

export interface PythonDevBuild {
  artifact: FunctionArtifact;
  srcDir: string;
}

/** The function's source folder and its code as the runtime runs it. */
export function pythonDevBuild(root: string, def: { handler: string; runtime: string }): PythonDevBuild {
  const srcDir = pythonSourceDir(root, def.handler);
  if (!srcDir) throw new Error(`Could not find src for ${def.handler}: no requirements.txt, Pipfile or poetry.lock in its folder or above`);
  const modulePath = def.handler.slice(0, def.handler.lastIndexOf("."));
  const file = path.resolve(root, `${modulePath}.py`);
  if (!fs.existsSync(file)) throw new Error(`Could not find the handler file ${path.relative(root, file)} for ${def.handler}`);
  return {
    srcDir,
    artifact: { file, exportName: exportNameOf(def.handler), version: sourceVersion(srcDir), runtime: def.runtime, taskRoot: srcDir },
  };
}

/** A digest of every source file's path, size and modification time (cheap enough to take on every change). */
function sourceVersion(srcDir: string): string {
  const hash = crypto.createHash("sha1");
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (IGNORED.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && !entry.name.endsWith(".pyc")) {
        const st = fs.statSync(full);
        hash.update(`${full}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  walk(srcDir);
  return `py-${hash.digest("hex").slice(0, 12)}`;
}
