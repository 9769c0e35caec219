/**
 * Deploy build of a Go function, as SST v2 does it: `go build` of the handler's package
 * (run from the folder holding its go.mod) into a `bootstrap` executable for Linux on
 * the function's architecture, for the provided.al2023 runtime. Needs the Go toolchain
 * on this machine, as SST v2 does.
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";

export interface GoBuildProps {
  handler: string;
  architecture?: "x86_64" | "arm_64";
  go?: { ldFlags?: string[]; buildTags?: string[]; cgoEnabled?: boolean };
}

/** Builds `out/bootstrap` and returns the Lambda handler string ("bootstrap"). */
export function buildGo(appPath: string, props: GoBuildProps, out: string): string {
  const handler = path.resolve(appPath, props.handler);
  let project = fs.existsSync(handler) && fs.statSync(handler).isDirectory() ? handler : path.dirname(handler);
  while (!fs.existsSync(path.join(project, "go.mod"))) {
    const parent = path.dirname(project);
    if (parent === project) throw new Error(`Could not find a go.mod file above ${props.handler}`);
    project = parent;
  }
  const ldFlags = props.go?.ldFlags ?? ["-s", "-w"];
  const args = [
    "build",
    ...(ldFlags.length ? ["-ldflags", ldFlags.join(" ")] : []),
    ...(props.go?.buildTags?.length ? ["-tags", props.go.buildTags.join(" ")] : []),
    "-o", path.join(out, "bootstrap"),
    "./" + path.relative(project, handler).split(path.sep).join("/"),
  ];
  try {
    execFileSync("go", args, {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      env: { ...process.env, CGO_ENABLED: props.go?.cgoEnabled ? "1" : "0", GOOS: "linux", GOARCH: props.architecture === "arm_64" ? "arm64" : "amd64" },
    });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === "ENOENT") throw new Error(`go build needs the Go toolchain ("go" is not on the PATH)`);
    throw new Error(`go ${args.join(" ")} failed: ${(err.stderr || err.message).trim()}`);
  }
  return "bootstrap";
}
