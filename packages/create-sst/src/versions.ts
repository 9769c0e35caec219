/**
 * The version each generated dependency gets. The app is pinned to this framework:
 * `sst` is a `file:` link to the sst package beside this one in the repository (or what
 * `--sst` says), `aws-cdk-lib` and `constructs` are exactly what that sst uses, and
 * the tools this repository installs itself (TypeScript, Node and Lambda types, zod)
 * get its versions, so `npm install` finds them in the npm cache of this checkout.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SST_PACKAGE_DIR = path.resolve(HERE, "../../sst");
const REPO_ROOT = path.resolve(HERE, "../../..");

/** Packages neither sst nor this repository pins: the ranges SST v2's templates used. */
const TEMPLATE_RANGES: Record<string, string> = {
  vitest: "^1.3.1",
  "@tsconfig/node18": "^18.2.2",
  "node-fetch": "^3.3.2",
  // examples/remix-app's frontend: the Remix 2 and ESLint 8 that go with this repository's @remix-run/dev.
  "@remix-run/eslint-config": "^2.17.5",
  eslint: "^8.57.0",
  "@middy/core": "^5.2.4",
  "@middy/http-error-handler": "^5.2.4",
  "@middy/http-json-body-parser": "^5.2.4",
  "@middy/validator": "^5.2.4",
  "aws-amplify": "^4.3.24",
  hygen: "^6.2.11",
  // examples/quickstart-sveltekit's tools that its build does not use (its `check` script,
  // the adapter its svelte.config.js replaced): SvelteKit 2 / Svelte 5's.
  "@sveltejs/adapter-auto": "^3.3.1",
  "@types/cookie": "^0.6.0",
  "svelte-check": "^4.1.0",
  tslib: "^2.8.1",
};

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

export interface VersionOptions {
  /** The `sst` dependency spec. @default "file:<this repository>/packages/sst" */
  sst?: string;
}

export function versionResolver(opts: VersionOptions = {}): (name: string) => string {
  const sstPkg = readJson(path.join(SST_PACKAGE_DIR, "package.json"));
  const repoPkg = fs.existsSync(path.join(REPO_ROOT, "package.json")) ? readJson(path.join(REPO_ROOT, "package.json")) : {};
  const known: Record<string, string> = {
    ...TEMPLATE_RANGES,
    ...(repoPkg.devDependencies ?? {}),
    ...(sstPkg.dependencies ?? {}),
    sst: opts.sst ?? `file:${SST_PACKAGE_DIR}`,
  };
  return (name) => {
    const v = known[name];
    if (!v) throw new Error(`create-sst: no version known for "${name}" (add it to TEMPLATE_RANGES in src/versions.ts)`);
    return v;
  };
}
