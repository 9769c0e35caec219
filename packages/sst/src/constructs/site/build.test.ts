/**
 * Site builds: run with the site's environment (tokens as `{{ KEY }}`), skipped while
 * nothing they read changed, run again when a source file or the environment changes,
 * and a failure names the site and the command.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as cdk from "aws-cdk-lib";
import { runSiteBuild, siteBuildRecord } from "./build.js";

test("builds, skips while unchanged, rebuilds on a changed input; the output folder is not an input", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-build-"));
  try {
    fs.mkdirSync(path.join(dir, "src"));
    fs.writeFileSync(path.join(dir, "src", "main.js"), "1");
    const token = cdk.Fn.ref("SomeUrl");
    const command = `node -e "require('fs').mkdirSync('dist',{recursive:true});require('fs').writeFileSync('dist/env.txt', process.env.API_URL + ' ' + process.env.PLAIN)"`;
    const build = (env: Record<string, string>) => {
      const lines: string[] = [];
      const ran = runSiteBuild({ owner: 'StaticSite "Web"', sitePath: dir, command, environment: env, outputs: ["dist"], recordFile: siteBuildRecord(path.join(dir, ".sst"), dir) }, (l) => lines.push(l));
      return { ran, lines };
    };
    const first = build({ API_URL: token, PLAIN: "a" });
    assert.equal(first.ran, true);
    assert.equal(fs.readFileSync(path.join(dir, "dist", "env.txt"), "utf8"), "{{ API_URL }} a", "a token is a placeholder during the build");
    const second = build({ API_URL: token, PLAIN: "a" });
    assert.equal(second.ran, false);
    assert.deepEqual(second.lines, ['Skipped building StaticSite "Web": nothing changed since the last build']);
    assert.equal(build({ API_URL: token, PLAIN: "b" }).ran, true, "a changed environment value");
    fs.writeFileSync(path.join(dir, "src", "main.js"), "22");
    assert.equal(build({ API_URL: token, PLAIN: "b" }).ran, true, "a changed source file");
    fs.rmSync(path.join(dir, "dist"), { recursive: true });
    assert.equal(build({ API_URL: token, PLAIN: "b" }).ran, true, "the output is gone");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a failing build names the site and the command, and forgets the last build", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-build-"));
  try {
    const record = path.join(dir, ".sst", "record.json");
    assert.throws(
      () => runSiteBuild({ owner: 'NextjsSite "Next"', sitePath: dir, command: "node -e \"process.exit(3)\"", environment: {}, outputs: [], recordFile: record }, () => {}),
      /There was a problem building the "Next" site\. NextjsSite "Next": "node -e "process\.exit\(3\)"" exited with code 3/,
    );
    assert.equal(fs.existsSync(record), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
