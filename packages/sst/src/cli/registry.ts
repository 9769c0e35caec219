/**
 * Every command by name, loaded lazily so `sst <command>` imports only that command.
 */
import type { Command } from "./command.js";

type Loader = () => Promise<{ default: Command }>;

export const COMMANDS: Record<string, Loader> = {
  dev: () => import("./dev.js"),
  build: () => import("./build.js"),
  deploy: () => import("./deploy.js"),
  remove: () => import("./remove.js"),
  diff: () => import("./diff.js"),
  bootstrap: () => import("./bootstrap.js"),
  "secrets set": () => import("./secrets-set.js"),
  "secrets get": () => import("./secrets-get.js"),
  "secrets list": () => import("./secrets-list.js"),
  "secrets remove": () => import("./secrets-remove.js"),
  "secrets load": () => import("./secrets-load.js"),
  bind: () => import("./bind.js"),
  console: () => import("./console.js"),
  local: () => import("./local.js"),
  types: () => import("./types.js"),
  version: () => import("./version.js"),
};

/** Old names SST v2 still accepted, with the warning it printed (`sst start`: SST v1's name for dev). */
export const ALIASES: Record<string, { to: string; warning: string }> = {
  start: { to: "dev", warning: "sst start has been renamed to sst dev" },
};

/** Command groups: "sst secrets" alone lists its subcommands. */
export const GROUPS = ["secrets"];

export async function loadCommand(name: string): Promise<Command | undefined> {
  const loader = COMMANDS[name];
  return loader ? (await loader()).default : undefined;
}

export async function loadAll(prefix = ""): Promise<Command[]> {
  const names = Object.keys(COMMANDS).filter((n) => n.startsWith(prefix));
  return Promise.all(names.map(async (n) => (await COMMANDS[n]()).default));
}
