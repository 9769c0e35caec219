/**
 * Where the local cloud keeps a stage's state: `<root>/.sst/local/<stage>/`. One
 * directory per app and stage, so stages never share data and restarts keep it.
 */
import path from "node:path";
import type { ProjectLike } from "./project-like.js";

export function sstDir(project: ProjectLike): string {
  return project.paths.out ?? path.join(project.root, ".sst");
}

export function localStateDir(project: ProjectLike): string {
  return path.join(sstDir(project), "local", project.stage);
}

export function outputsFile(project: ProjectLike): string {
  return path.join(sstDir(project), "outputs.json");
}
