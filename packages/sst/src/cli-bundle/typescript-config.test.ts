/**
 * The CLI running from its bundle has no TypeScript loader of its own; a config that
 * imports a TypeScript package (an app's workspace package) still loads.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runSst } from "../../../../tests/helpers/sst-process.js";

test("sst build loads a config that imports a TypeScript package, from the CLI bundle", () => {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), "ts-config-"));
  try {
    const pkg = path.join(app, "node_modules", "@acme", "names");
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "@acme/names", type: "module", exports: "./index.ts" }));
    fs.writeFileSync(path.join(pkg, "index.ts"), `export const appName: string = "ts-" + ("pkg" satisfies string);\n`);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "ts-config", type: "module" }));
    fs.writeFileSync(
      path.join(app, "sst.config.ts"),
      `import fs from "node:fs";\nimport { appName } from "@acme/names";\nexport default { config: () => ({ name: appName, region: "us-east-1" }), stacks() { fs.writeFileSync("loaded-name.txt", appName); } };\n`,
    );
    // A bundle of the current sources first: a start that builds it registers tsx to do so.
    assert.equal(runSst(app, ["version"]).code, 0);
    const r = runSst(app, ["build", "--stage", "t"]);
    assert.equal(r.code, 0, r.output);
    // The app's name came from the TypeScript package.
    assert.equal(fs.readFileSync(path.join(app, "loaded-name.txt"), "utf8"), "ts-pkg");
    assert.doesNotMatch(r.output, /could not bundle the CLI/);
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
});
