/**
 * Commands that open a stage's local state in-process (deploy, remove) must not run
 * while `sst dev` serves that state: two processes would write the same stores.
 */
import { CliError } from "./command.js";
import { findLiveServer } from "../deploy/server-file.js";

export async function assertNoDevServer(stateDir: string, stage: string, doing: string): Promise<void> {
  const live = await findLiveServer(stateDir);
  if (live)
    throw new CliError(
      `sst dev is running for stage "${stage}" (pid ${live.pid}, ${live.endpoint}). Stop it before ${doing}, or use another --stage.`,
    );
}
