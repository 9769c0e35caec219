import { it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { App, Stack, EventBus, Table, Config } from "../constructs/index.js";
import { writeApp, removeApp } from "./fixtures/seed-app.js";
import { generateTypes } from "./typegen.js";

process.env.CDK_VALIDATION = "false";
const root = writeApp({});
after(() => removeApp(root));

it("types each bindable construct in its client module, from the binding's client package", () => {
  const app = new App({ name: "my-app", stage: "dev", mode: "dev", root, outdir: `${root}/.sst/t` });
  const s = new Stack(app, "S");
  new EventBus(s, "bus");
  new Table(s, "Users", { fields: { pk: "string" }, primaryIndex: { partitionKey: "pk" } });
  new Config.Secret(s, "STRIPE_KEY");
  new Config.Parameter(s, "GREETING", { value: "hi" });
  const out = generateTypes(app);
  assert.match(out, /declare module "sst\/node\/event-bus" \{\n  export interface EventBusResources \{\n    "bus": \{ eventBusName: string; \};/);
  assert.match(out, /declare module "sst\/node\/table" \{\n  export interface TableResources \{\n    "Users": \{ tableName: string; \};/);
  assert.match(out, /declare module "sst\/node\/config" \{\n  export interface SecretResources \{\n    "STRIPE_KEY": \{ value: string; \};\n  \}\n  export interface ParameterResources \{\n    "GREETING": \{ value: string; \};/);
});

it("a site writes the types of the constructs made before it, leaving itself out, before it builds", () => {
  const typesDir = `${root}/.sst/types-before-build`;
  const app = new App({ name: "my-app", stage: "dev", mode: "dev", root, outdir: `${root}/.sst/t2`, typesDir });
  const s = new Stack(app, "S");
  new Table(s, "Users", { fields: { pk: "string" }, primaryIndex: { partitionKey: "pk" } });
  const site = new Table(s, "StandsForASiteBeingMade", { fields: { pk: "string" }, primaryIndex: { partitionKey: "pk" } });
  app.writeTypesBeforeBuild(site);
  const written = fs.readFileSync(`${typesDir}/index.ts`, "utf8");
  assert.match(written, /"Users": \{ tableName: string; \};/);
  assert.doesNotMatch(written, /StandsForASiteBeingMade/);
  // Without a types folder (an App made directly, as in SST v2's construct tests) nothing is written.
  const bare = new App({ name: "my-app", stage: "dev", mode: "dev", root, outdir: `${root}/.sst/t3` });
  bare.writeTypesBeforeBuild(new Stack(bare, "S"));
});
