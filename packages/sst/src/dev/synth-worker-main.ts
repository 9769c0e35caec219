/**
 * sst dev's synth process (started by synth-process.ts): loads the app's config, takes
 * the synth cache's snapshot of its inputs, sends the project, synthesizes, sends the
 * result, and exits. Run in its own process so the dev process never loads aws-cdk-lib
 * (~80 MB it would keep for the whole session) and can start the local cloud on the
 * other core meanwhile.
 */
import { loadProjectFor, synthProject } from "../cli/project.js";
import { EnvReads, snapshotInputs } from "../project/synth-cache.js";
import type { SynthWorkerMessage, SynthWorkerRequest, SynthWorkerStart } from "./synth-process.js";
import { LOCAL_DEV_SYNTH_CONTEXT } from "./local-synth-context.js";

const send = (m: SynthWorkerMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

/**
 * What to load, and in which environment: the process may have been started before the
 * CLI knew (synth-process-early.mjs), so it takes the CLI's environment as it is now.
 * Ended if the CLI goes away first.
 */
async function startMessage(): Promise<SynthWorkerRequest> {
  const onDisconnect = () => process.exit(0);
  process.once("disconnect", onDisconnect);
  const start = await new Promise<SynthWorkerStart>((resolve) => process.once("message", (m: SynthWorkerStart) => resolve(m)));
  process.off("disconnect", onDisconnect);
  for (const name of Object.keys(process.env)) if (!(name in start.env)) delete process.env[name];
  for (const [name, value] of Object.entries(start.env)) if (value !== undefined) process.env[name] = value;
  return start.request;
}

const request = await startMessage();
try {
  // The environment variables the load and the synth read: the synth cache keys on them.
  // One record for both, so a variable is kept with the value it had when first read:
  // one the load sets for itself (JSII_DEPRECATED) is recorded as unset, as it is in
  // the next `sst dev`'s environment, not as the value the synth then reads.
  const reads = new EnvReads();
  const project = await reads.during(() => loadProjectFor({ cwd: request.cwd, global: { stage: request.stage, region: request.region, verbose: request.verbose } }));
  const snapshot = snapshotInputs(project);
  await send({
    kind: "loaded",
    // The config's data as the synth cache keeps it (its functions stay here).
    project: { root: project.root, stage: project.stage, config: JSON.parse(JSON.stringify(project.config)), paths: project.paths, configInputs: project.configInputs } as typeof project,
    snapshot,
    envValues: { ...reads.values },
  });
  const synth = await reads.during(() => synthProject(project, { mode: "dev", context: { ...LOCAL_DEV_SYNTH_CONTEXT } }));
  // What the dev loop uses of a synth, as the synth cache keeps it (the in-memory app stays here).
  const result = { assemblyDir: synth.assemblyDir, stacks: synth.stacks, functions: synth.functions, notices: synth.notices };
  try {
    JSON.stringify(result);
  } catch {
    // Functions whose build options hold code (esbuild plugins): only an in-process synth can hand those over.
    await send({ kind: "unserializable" });
    process.exit(0);
  }
  await send({ kind: "synthesized", synth: result, envValues: { ...reads.values } });
} catch (err) {
  const e = err as Error;
  await send({ kind: "error", error: { name: e?.name ?? "Error", message: String(e?.message ?? err), stack: typeof e?.stack === "string" ? e.stack : undefined } });
}
process.exit(0);
