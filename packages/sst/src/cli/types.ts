import type { Command } from "./command.js";

const types: Command = {
  name: "types",
  usage: "types",
  description: "Generate resource types in .sst/types",
  async run(ctx) {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { loadProjectFor, synthProject } = await import("./project.js");
    const project = await loadProjectFor(ctx);
    // Synthesizing writes the types; dev mode skips bundling functions, and the
    // assembly itself is thrown away.
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-types-"));
    try {
      await synthProject(project, { mode: "dev", outdir });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
    const typesDir = project.paths.types ?? path.join(project.paths.out, "types");
    ctx.ui.success(`Generated types in ${path.relative(ctx.cwd, typesDir) || typesDir}`);
  },
};
export default types;
