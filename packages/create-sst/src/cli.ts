/**
 * `create-sst [name] [--template <template>] [--sst <spec>] [--list]`: a new SST v2 app
 * from a template (default standard/api), pinned to this framework.
 */
import path from "node:path";
import { generate } from "./generate.js";
import { listTemplates, loadPreset } from "./presets.js";

const USAGE = `Usage: create-sst [name] [options]

Creates an SST v2 app in ./<name> (default "my-sst-app") that uses this repository's sst.

Options:
  --template <template>  the template to use (default: standard/api); see --list
  --sst <spec>           the app's sst dependency (default: file:<this repository>/packages/sst)
  --list                 list the templates
  -h, --help             show this help`;

export function main(argv: string[], cwd = process.cwd(), log = console.log): number {
  let name: string | undefined;
  let template = "standard/api";
  let sst: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("-")) throw new Error(`create-sst: ${a} needs a value\n\n${USAGE}`);
      return v;
    };
    if (a === "-h" || a === "--help") return log(USAGE), 0;
    else if (a === "--list") {
      const templates = listTemplates();
      const width = Math.max(...templates.map((t) => t.length)) + 2;
      for (const t of templates) log(`${t.padEnd(width)}${loadPreset(t).description ?? ""}`);
      return 0;
    } else if (a === "--template") template = value();
    else if (a.startsWith("--template=")) template = a.slice("--template=".length);
    else if (a === "--sst") sst = value();
    else if (a.startsWith("--sst=")) sst = a.slice("--sst=".length);
    else if (a.startsWith("-")) throw new Error(`create-sst: unknown option ${a}\n\n${USAGE}`);
    else if (name === undefined) name = a;
    else throw new Error(`create-sst: unexpected argument ${a}\n\n${USAGE}`);
  }
  name ??= "my-sst-app";
  const destination = path.resolve(cwd, name);
  const { app } = generate({ template, destination, sst });
  log(`Created ${app} from ${template} in ${destination}`);
  log("");
  log("Next steps:");
  if (destination !== cwd) log(`- cd ${path.relative(cwd, destination) || "."}`);
  log("- npm install");
  log("- npm run dev");
  return 0;
}
