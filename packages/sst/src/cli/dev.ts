import type { Command } from "./command.js";

const dev: Command = {
  name: "dev",
  usage: "dev",
  description: "Work on your app: functions run from source on your machine, on the local cloud or (Live Lambda) on AWS",
  options: {
    port: { type: "string", description: "Port of the local cloud (default 4570; local target)", valueName: "<port>" },
    "increase-timeout": { type: "boolean", description: "Give deployed functions Lambda's longest timeout, 900 s, to stay on a breakpoint (AWS target)" },
    reset: { type: "boolean", description: "Delete the stage's local state first and start empty (the way back from damaged state; local target)" },
    inspect: { type: "boolean", description: "Open the Node.js inspector (127.0.0.1:9229) to set breakpoints in functions" },
    "inspect-port": { type: "string", description: "Port of the inspector (0: any free port); implies --inspect", valueName: "<port>" },
  },
  examples: ["sst dev", "sst dev --stage alice --aws", "sst dev --inspect --increase-timeout"],
  async run(ctx) {
    const { parsePort, waitForShutdownSignal } = await import("./signals.js");
    const { resolveStageTarget } = await import("./target.js");
    const port = parsePort(ctx.values.port, "dev");
    // The CloudFormation template validator costs seconds on every synth; the dev loop
    // redeploys on each stack change, so it stays off here unless asked for.
    process.env.CDK_VALIDATION ??= "false";
    const inspectPort = ctx.values["inspect-port"] !== undefined ? parsePort(ctx.values["inspect-port"], "dev") ?? 0 : ctx.values.inspect ? 9229 : undefined;
    const signal = waitForShutdownSignal();
    const common = { cwd: ctx.cwd, stage: ctx.global.stage, region: ctx.global.region, verbose: ctx.global.verbose, ui: ctx.ui };
    // The synth process (on a synth cache miss) starts first: it is the critical path of
    // a cold start, and the session's modules load while it boots.
    const { loadDevProject } = await import("../dev/dev-project.js");
    const loading = loadDevProject(common);
    loading.catch(() => {}); // awaited below; not "unhandled" while the modules load
    const { DevSession } = await import("../dev/dev-session.js");
    // The local cloud's modules (both targets run functions on its Lambda runtime) load
    // while the synth process loads the config: this process is idle until then.
    void import("../deploy/local-cloud.js").then((m) => m.importLocalCloud()).catch(() => {});
    const preloaded = await loading.finally(async () => {
      // A synth process the `sst` entry started and the load did not take (the synth cache hit) is ended.
      (await import("../dev/synth-process-early.mjs")).takeEarlySynthProcess();
    });
    const target = await resolveStageTarget(ctx, preloaded.project);
    if (inspectPort !== undefined) (await import("../dev/inspector.js")).openInspector(inspectPort, ctx.ui);
    if (target.kind === "local" && ctx.values["increase-timeout"]) ctx.ui.info("--increase-timeout applies to the AWS target; on the local cloud functions keep their own timeout");
    if (target.kind === "aws") {
      const { AwsDevSession } = await import("../dev/aws-dev-session.js");
      // The AWS session synthesizes here: it needs the config's code, not the synth process's data.
      preloaded.elsewhere?.cancel();
      const project = preloaded.elsewhere ? (await loadDevProject(common, true)).project : preloaded.project;
      const session = await AwsDevSession.start({ ...common, env: target.env, project, increaseTimeout: ctx.values["increase-timeout"] === true });
      await signal;
      ctx.ui.line("Stopping...");
      await session.stop();
      return 0;
    }
    const { removeServerInfo } = await import("../deploy/server-file.js");
    const session = await DevSession.start({ ...common, port, preloaded, reset: ctx.values.reset === true });
    // If the process dies some other way, do not leave a server.json pointing at nothing.
    const onExit = () => removeServerInfo(session.stateDir);
    process.once("exit", onExit);
    await signal;
    ctx.ui.line("Stopping...");
    await session.stop();
    process.off("exit", onExit);
    return 0;
  },
};
export default dev;
