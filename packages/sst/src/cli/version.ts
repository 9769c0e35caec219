import { readFileSync } from "node:fs";
import type { Command } from "./command.js";

/** The version of this sst package (package.json). */
export function sstVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return pkg.version as string;
}

const version: Command = {
  name: "version",
  usage: "version",
  description: "Print the version of SST",
  async run({ ui }) {
    ui.line(`SST v${sstVersion()}`);
  },
};
export default version;
