/** The version of this sst package, as SST v2 writes it into each stack's SSTMetadata. */
import { readFileSync } from "node:fs";

export const SST_VERSION: string = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")).version;
