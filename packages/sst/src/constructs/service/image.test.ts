import { test } from "node:test";
import assert from "node:assert/strict";
import { MissingToolError, buildImage, cacheOption, dockerBuildArgs, generateNixpacksDockerfile, runTool } from "./image.js";

test("docker build gets SST v2's options as separate arguments", async () => {
  const calls: [string, string[]][] = [];
  await buildImage({
    context: "/app/web", dockerfile: "child/Dockerfile.prod", tag: "sst-build:service-Web", architecture: "arm64",
    buildArgs: { NODE_ENV: "production", MSG: "a b" }, buildSsh: "default",
    cacheFrom: [{ type: "registry", params: { ref: "ghcr.io/o/i:cache" } }], cacheTo: { type: "inline" },
  }, async (file, args) => void calls.push([file, args]));
  assert.deepEqual(calls, [["docker", [
    "build", "-t", "sst-build:service-Web", "--platform", "linux/arm64", "-f", "/app/web/child/Dockerfile.prod",
    "--build-arg", "NODE_ENV=production", "--build-arg", "MSG=a b", "--ssh", "default",
    "--cache-from=type=registry,ref=ghcr.io/o/i:cache", "--cache-to", "type=inline", "/app/web",
  ]]]);
  assert.equal(dockerBuildArgs({ context: "/c", dockerfile: "Dockerfile", tag: "t", architecture: "x86_64" })[4], "linux/amd64");
  assert.equal(cacheOption({ type: "registry", params: { ref: "r", mode: "max" } }), "type=registry,ref=r,mode=max");
});

test("nixpacks writes .nixpacks/Dockerfile into the context", async () => {
  const calls: string[][] = [];
  const file = await generateNixpacksDockerfile("/app/worker", async (f, a) => void calls.push([f, ...a]));
  assert.equal(file, ".nixpacks/Dockerfile");
  assert.deepEqual(calls, [["nixpacks", "build", "/app/worker", "--out", "/app/worker"]]);
});

test("a missing program is a MissingToolError; a failing one reports its exit and output", async () => {
  await assert.rejects(runTool("no-such-tool-for-sst-tests", []), (e) => e instanceof MissingToolError && e.tool === "no-such-tool-for-sst-tests");
  await assert.rejects(runTool(process.execPath, ["-e", "console.error('broken Dockerfile'); process.exit(3)"]), /exited with code 3\nbroken Dockerfile/);
  await runTool(process.execPath, ["-e", ""]);
});
