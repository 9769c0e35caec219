import type { Command } from "./command.js";

const local: Command = {
  name: "local",
  usage: "local",
  description: "Run the local cloud alone, in the foreground",
  options: {
    port: { type: "string", description: "Port to listen on (default 4570)", valueName: "<port>" },
    dir: { type: "string", description: "State directory (default .sst/local/standalone)", valueName: "<dir>" },
    reset: { type: "boolean", description: "Delete the state directory first and start empty (the way back from damaged state)" },
  },
  async run(ctx) {
    const path = await import("node:path");
    const { parsePort, waitForShutdownSignal } = await import("./signals.js");
    const port = parsePort(ctx.values.port, "local");
    const { importLocalCloud, startCloud } = await import("../deploy/local-cloud.js");
    const { ADMIN_CREDENTIALS } = await import("../deploy/credentials.js");
    const { DEFAULT_PORT } = await importLocalCloud();
    const dir = path.resolve(ctx.cwd, (ctx.values.dir as string | undefined) ?? ".sst/local/standalone");
    if (ctx.values.reset === true) {
      const { resetLocalState } = await import("../deploy/reset-state.js");
      if (await resetLocalState(dir)) ctx.ui.info(`Removed the local state in ${dir}; starting empty`);
    }
    const signal = waitForShutdownSignal();
    const { cloud, portTakenBy } = await startCloud({ dir, port: port ?? DEFAULT_PORT, region: ctx.global.region });
    if (portTakenBy) ctx.ui.info(`Port ${portTakenBy} is in use; using port ${cloud.port}`);
    ctx.ui.success(`Local cloud running`);
    ctx.ui.line(`   Endpoint:    ${cloud.endpoint}`);
    ctx.ui.line(`   Region:      ${cloud.region}`);
    ctx.ui.line(`   Credentials: AWS_ACCESS_KEY_ID=${ADMIN_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${ADMIN_CREDENTIALS.secretAccessKey}`);
    ctx.ui.line(`   State:       ${dir}`);
    ctx.ui.line(`Ready`);
    // What a local user pool would have emailed (sign-up codes, password resets).
    const { attachCognitoCodeLog } = await import("../dev/cognito-codes.js");
    attachCognitoCodeLog(cloud.events, ctx.ui, () => cloud.cognitoidp?.localDomains() ?? []);
    await signal;
    await cloud.stop();
    return 0;
  },
};
export default local;
