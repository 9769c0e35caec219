/**
 * `--reset` (sst dev, sst local): start over with empty local state. The way back when
 * the local cloud refuses to start on damaged state (it names the file); it deletes the
 * stage's state directory, so it is never done while a server still uses it.
 */
import fs from "node:fs";
import { CliError } from "../cli/command.js";
import { findLiveServer } from "./server-file.js";

/** Deletes `stateDir`; throws when a running `sst dev` still serves it. Returns whether there was anything. */
export async function resetLocalState(stateDir: string): Promise<boolean> {
  const running = await findLiveServer(stateDir);
  if (running) throw new CliError(`Cannot reset ${stateDir}: sst dev (pid ${running.pid}, ${running.endpoint}) is using it. Stop it first.`);
  if (!fs.existsSync(stateDir)) return false;
  fs.rmSync(stateDir, { recursive: true, force: true });
  return true;
}
