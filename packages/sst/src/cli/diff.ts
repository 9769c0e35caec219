import type { Command } from "./command.js";

/**
 * `sst diff`, as SST v2 has it: synthesize the app and compare each stack with what its
 * stage runs — on AWS, or in the stage's local cloud — printing per stack "New stack",
 * "No changes" or its resource and output changes. Deploys nothing.
 */
const diff: Command = {
  name: "diff",
  usage: "diff",
  description: "Compare your app with what its stage runs (on AWS or the local cloud)",
  positionals: { min: 0, max: 0 },
  options: {
    dev: { type: "boolean", description: "Compare in dev mode (what `sst dev` deploys)" },
    to: { type: "string", description: "Output directory (default .sst/dist)", valueName: "<dir>" },
  },
  examples: ["sst diff --stage prod", "sst diff --dev"],
  async run(ctx) {
    const path = await import("node:path");
    const { loadProjectFor, synthProject } = await import("./project.js");
    const { resolveStageTarget } = await import("./target.js");
    const { diffStacks, cloudFormationTemplates } = await import("../deploy/diff.js");
    const project = await loadProjectFor(ctx);
    const target = await resolveStageTarget(ctx, project);
    const mode = ctx.values.dev ? "dev" : "deploy";
    const outdir = ctx.values.to ? path.resolve(ctx.cwd, ctx.values.to as string) : project.paths.dist;

    let templates: ReturnType<typeof cloudFormationTemplates>;
    let closeLocal = async () => {};
    let context: Record<string, unknown> | undefined;
    if (target.kind === "aws") {
      const { exportForSynth, clientConfig } = await import("../deploy/aws/environment.js");
      const { liveLambdaContext } = await import("../dev/bridge/names.js");
      exportForSynth(target.env);
      templates = cloudFormationTemplates(clientConfig(target.env));
      // `sst dev` on AWS deploys functions as Live Lambda stubs: compare with those.
      if (mode === "dev") context = liveLambdaContext();
    } else {
      const { openLocalTarget } = await import("../deploy/local-target.js");
      const { ADMIN_CREDENTIALS } = await import("../deploy/credentials.js");
      const local = await openLocalTarget({ stateDir: target.stateDir, region: project.config.region });
      closeLocal = () => local.close();
      templates = cloudFormationTemplates({ endpoint: local.endpoint, region: local.region, credentials: ADMIN_CREDENTIALS, maxAttempts: 1 });
    }
    try {
      const synth = await synthProject(project, { mode, outdir, ...(context ? { context } : {}) });
      const stacks = await diffStacks(synth, templates.get);
      const prefix = `${project.stage}-${project.config.name}-`;
      const short = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
      let changes = 0;
      let changed = 0;
      for (const s of stacks) {
        const what = s.status === "new" ? "New stack" : s.status === "unchanged" ? "No changes" : `${s.count} change${s.count === 1 ? "" : "s"}`;
        ctx.ui.info(`${ctx.ui.color.bold(`${short(s.stackName)}:`)} ${what}`);
        if (s.text) ctx.ui.line(s.text);
        ctx.ui.line("");
        if (s.status === "changed") {
          changes += s.count;
          changed++;
        }
      }
      if (changed === 0) ctx.ui.success("Diff: No changes");
      else ctx.ui.success(`Diff: ${changes === 1 ? "1 change found in" : `${changes} changes in`} ${changed === 1 ? "1 stack" : `${changed} stacks`}`);
    } finally {
      templates.close();
      await closeLocal();
    }
  },
};
export default diff;
