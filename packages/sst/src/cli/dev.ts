import type { Command } from "./command.js";

const dev: Command = {
  name: "dev",
  usage: "dev",
  description: "Work on your app locally: deploys it to the local cloud and runs functions from source",
  options: {
    port: { type: "string", description: "Port of the local cloud (default 4570)", valueName: "<port>" },
    reset: { type: "boolean", description: "Delete the stage's local state first and start empty (the way back from damaged state)" },
  },
  async run(ctx) {
    const { parsePort, waitForShutdownSignal } = await import("./signals.js");
    const port = parsePort(ctx.values.port, "dev");
    // The CloudFormation template validator costs seconds on every synth; the dev loop
    // redeploys on each stack change, so it stays off here unless asked for.
    process.env.CDK_VALIDATION ??= "false";
    const { DevSession } = await import("../dev/dev-session.js");
    const { removeServerInfo } = await import("../deploy/server-file.js");
    const signal = waitForShutdownSignal();
    const session = await DevSession.start({
      cwd: ctx.cwd,
      stage: ctx.global.stage,
      region: ctx.global.region,
      verbose: ctx.global.verbose,
      port,
      reset: ctx.values.reset === true,
      ui: ctx.ui,
    });
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
