/**
 * Builds the CLI bundle ahead of the first `sst` command (root package.json `prepare`,
 * run by `npm ci`/`npm install`), so that first start does not pay for it. Never fails
 * the install: a CLI without its bundle runs from source.
 */
import { programUrl } from "./bootstrap.mjs";

await programUrl("main");
