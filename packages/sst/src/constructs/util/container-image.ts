/**
 * Container-image code for Functions and Jobs, as SST v2 writes it: the handler names a
 * folder with a Dockerfile, which becomes a CDK Docker image asset (the image is built
 * and pushed to the bootstrap ECR repository when the stack is deployed to AWS; synth
 * only stages the folder). SST v2 runs `docker build` once more at synth to fail early;
 * with no Docker daemon to rely on, the Dockerfile's presence is what is checked here.
 */
import fs from "node:fs";
import path from "node:path";
import * as cdk from "aws-cdk-lib";
import type { DockerCacheOption } from "aws-cdk-lib";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";

/** SST v2's `container` props of a Function or a Job. */
export interface ContainerProps {
  /** The command the image runs (CMD). */
  cmd?: string[];
  /** The Dockerfile, relative to the handler folder. @default "Dockerfile" */
  file?: string;
  buildArgs?: Record<string, string>;
  buildSsh?: string;
  cacheFrom?: DockerCacheOption[];
  cacheTo?: DockerCacheOption;
}

/** The handler folder (absolute); throws "no such file" when it or its Dockerfile is missing. */
export function containerContext(appPath: string, handler: string, container?: ContainerProps): string {
  const dir = path.resolve(appPath, handler);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`${handler}: no such file or directory (a container handler is the folder holding the Dockerfile)`);
  }
  const dockerfile = path.join(dir, container?.file ?? "Dockerfile");
  if (!fs.existsSync(dockerfile)) {
    throw new Error(`open ${path.relative(appPath, dockerfile)}: no such file or directory (the Dockerfile of the image)`);
  }
  return dir;
}

/** The Docker image asset options SST v2 gives CDK for a container handler. */
export function imageAssetOptions(architecture: "x86_64" | "arm_64" | undefined, container?: ContainerProps) {
  return {
    platform: Platform.custom(architecture === "arm_64" ? "linux/arm64" : "linux/amd64"),
    ...(container?.cmd ? { cmd: container.cmd } : {}),
    ...(container?.file ? { file: container.file } : {}),
    ...(container?.buildArgs ? { buildArgs: container.buildArgs } : {}),
    ...(container?.buildSsh ? { buildSsh: container.buildSsh } : {}),
    ...(container?.cacheFrom ? { cacheFrom: container.cacheFrom } : {}),
    ...(container?.cacheTo ? { cacheTo: container.cacheTo } : {}),
    // SST's own output folders are never part of an image's build context.
    exclude: [".sst/dist", ".sst/artifacts"],
    ignoreMode: cdk.IgnoreMode.GLOB,
  };
}
