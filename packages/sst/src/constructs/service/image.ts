/**
 * Building a Service's container image before a deploy to AWS, as SST v2 does: it runs
 * `docker build` itself while the app finishes (so a broken Dockerfile fails the deploy
 * up front, with the construct named, instead of deep inside asset publishing), then
 * points the task definition at the image as a CDK asset, which the toolkit builds
 * (from Docker's cache) and pushes to the bootstrap repository.
 *
 * Without a Dockerfile SST v2 generates one with Nixpacks (`.nixpacks/Dockerfile`).
 * SST v2 downloads Nixpacks into a builder image; here a `nixpacks` already on the PATH
 * is used, and without one the error says what to do (nothing is downloaded).
 *
 * Only a deploy to AWS builds: `sst build` and deploys to the local cloud (which runs no
 * containers) reference the same asset without building it.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { DockerCacheOption } from "aws-cdk-lib";

export interface ImageBuildOptions {
  /** The build context (the Service's `path`), absolute. */
  context: string;
  /** The Dockerfile, relative to the context. */
  dockerfile: string;
  tag: string;
  architecture: "x86_64" | "arm64";
  buildArgs?: Record<string, string>;
  buildSsh?: string;
  cacheFrom?: DockerCacheOption[];
  cacheTo?: DockerCacheOption;
}

/** `linux/amd64` or `linux/arm64`. */
export function imagePlatform(architecture: "x86_64" | "arm64"): string {
  return architecture === "arm64" ? "linux/arm64" : "linux/amd64";
}

/** `type=registry,ref=…`: a cache option as docker's --cache-from/--cache-to take it. */
export function cacheOption(o: DockerCacheOption): string {
  return [`type=${o.type}`, ...Object.entries(o.params ?? {}).map(([k, v]) => `${k}=${v}`)].join(",");
}

/** The arguments of the `docker build` SST v2 runs (as an argv, so no value is split or expanded by a shell). */
export function dockerBuildArgs(o: ImageBuildOptions): string[] {
  return [
    "build",
    "-t", o.tag,
    "--platform", imagePlatform(o.architecture),
    "-f", path.join(o.context, o.dockerfile),
    ...Object.entries(o.buildArgs ?? {}).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
    ...(o.buildSsh ? ["--ssh", o.buildSsh] : []),
    ...(o.cacheFrom ?? []).map((c) => `--cache-from=${cacheOption(c)}`),
    ...(o.cacheTo ? ["--cache-to", cacheOption(o.cacheTo)] : []),
    o.context,
  ];
}

/** A program the build needs is not installed. */
export class MissingToolError extends Error {
  constructor(readonly tool: string) {
    super(`${tool}: command not found`);
    this.name = "MissingToolError";
  }
}

/** Runs `file args…`; resolves when it exits 0, rejects with its output's tail otherwise. */
export function runTool(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    let tail = "";
    const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-4000));
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", (err: NodeJS.ErrnoException) => reject(err.code === "ENOENT" ? new MissingToolError(file) : err));
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${file} ${args[0] ?? ""} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}\n${tail.trim()}`));
    });
  });
}

/** Runs Nixpacks on the context, which writes `.nixpacks/Dockerfile` there; returns that path (relative). */
export async function generateNixpacksDockerfile(context: string, run = runTool): Promise<string> {
  await run("nixpacks", ["build", context, "--out", context]);
  return path.join(".nixpacks", "Dockerfile");
}

/** `docker build` as SST v2 runs it. */
export async function buildImage(o: ImageBuildOptions, run = runTool): Promise<void> {
  await run("docker", dockerBuildArgs(o));
}
