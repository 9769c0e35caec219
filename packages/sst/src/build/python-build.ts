/**
 * Deploy build of a Python function, as SST v2 lays it out: the function's source
 * folder (the nearest folder above the handler with a requirements.txt, Pipfile or
 * poetry.lock) is copied whole, and the Lambda handler is the handler path relative to
 * it ("src/api.handler" for "functions/src/api.handler" under "functions/").
 * SST v2 installs requirements.txt inside the Lambda build image with Docker (unless
 * `python.noDocker`); with no Docker here, they are installed with this machine's
 * `python3 -m pip install --target`, which gives the same folder for pure-Python packages.
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";

export interface PythonBuildProps {
  handler: string;
  python?: { noDocker?: boolean; installCommands?: string[] };
}

const SOURCE_HINTS = ["requirements.txt", "Pipfile", "poetry.lock"];

/** The nearest folder at or above `from` holding `file`, or undefined. */
function findAbove(from: string, file: string): string | undefined {
  let dir = path.resolve(from);
  while (true) {
    if (fs.existsSync(path.join(dir, file))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The folder SST v2 treats as a Python function's source. */
export function pythonSourceDir(appPath: string, handler: string): string | undefined {
  const start = path.resolve(appPath, handler);
  for (const hint of SOURCE_HINTS) {
    const found = findAbove(start, hint);
    if (found) return found;
  }
  return undefined;
}

/** Copies the source into `out` and returns the Lambda handler string. */
export function buildPython(appPath: string, props: PythonBuildProps, out: string): string {
  const src = pythonSourceDir(appPath, props.handler);
  if (!src) throw new Error(`Could not find src for ${props.handler} (no ${SOURCE_HINTS.join(", ")} in its folder or above)`);
  if (props.python?.noDocker !== true && fs.existsSync(path.join(src, "requirements.txt"))) {
    run("python3", ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", path.join(src, "requirements.txt"), "--target", out], src);
  }
  for (const command of props.python?.installCommands ?? []) run("sh", ["-c", command], out);
  fs.cpSync(src, out, { recursive: true, filter: (p) => !p.split(path.sep).includes(".sst") });
  return path.relative(src, path.resolve(appPath, props.handler)).split(path.sep).join("/");
}

function run(command: string, args: string[], cwd: string): void {
  try {
    execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${(err.stderr || err.message).trim()}`);
  }
}
