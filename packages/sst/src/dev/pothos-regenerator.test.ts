/**
 * Pothos schema generation as `sst dev` runs it, on a small Pothos app whose types
 * import packages that would fail or reach AWS if they ran (sst/node/table, a DynamoDB
 * client): the SDL is printed sorted, `output` written, `commands` run from the app's
 * root, and a change under the schema's folder generates it again.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { extractPothosSchema } from "./pothos-schema.js";
import { PothosRegenerator, pothosRoutesOf } from "./pothos-regenerator.js";
import type { Ui } from "../cli/ui.js";

// inside the repository, so @pothos/core and graphql resolve from its node_modules as an app's would
const app = fs.mkdtempSync(path.join(import.meta.dirname, ".pothos-app-"));
after(() => fs.rmSync(app, { recursive: true, force: true }));
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
  fs.writeFileSync(path.join(app, file), text);
};

write("graphql/builder.ts", `import SchemaBuilder from "@pothos/core";
export const builder = new SchemaBuilder<{}>({});
builder.queryType({});
`);
const noteType = (extraField = "") => `import { Table } from "sst/node/table";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { builder } from "../builder";
// top-level code that needs the deployed app: stood in for while the schema is extracted
const client = new DynamoDBClient({});
const tableName: string = Table.notes.tableName;
const Note = builder.objectRef<{ id: string; body: string }>("Note").implement({
  fields: (t) => ({ id: t.exposeID("id"), body: t.exposeString("body")${extraField} }),
});
builder.queryFields((t) => ({
  note: t.field({ type: Note, args: { id: t.arg.string({ required: true }) },
    resolve: async (_, { id }) => (await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } } }))) as any }),
}));
`;
write("graphql/types/note.ts", noteType());
write("graphql/schema.ts", `import { builder } from "./builder";
import "./types/note";
export const schema = builder.toSchema({});
`);

const lines: string[] = [];
const ui = { line: (...p: string[]) => lines.push(p.join("")), success: (m: string) => lines.push(`ok ${m}`), error: (m: string) => lines.push(`error ${m}`), info: () => {}, note: () => {}, debug: () => {} } as unknown as Ui;

test("extracts the SDL without running the app's dependencies or resolvers", { timeout: 60_000 }, async () => {
  const sdl = await extractPothosSchema({ schema: path.join(app, "graphql/schema.ts") });
  assert.equal(sdl.trim(), `type Note {\n  body: String\n  id: ID\n}\n\ntype Query {\n  note(id: String!): Note\n}`);
  assert.deepEqual(fs.readdirSync(path.join(app, "graphql")).filter((f) => f.startsWith(".sst-pothos-")), [], "its bundle is removed");
});

test("a schema that throws reports its own error", { timeout: 60_000 }, async () => {
  write("broken/schema.ts", `throw new Error("no schema today");\nexport const schema = 1;\n`);
  await assert.rejects(extractPothosSchema({ schema: path.join(app, "broken/schema.ts") }), /no schema today/);
});

test("sst dev writes output, runs commands, and regenerates on a change in the schema's folder", { timeout: 60_000 }, async () => {
  const template = { Outputs: { SSTMetadata: { Value: JSON.stringify({ metadata: [{ type: "Api", data: { routes: [
    { type: "function", route: "GET /" },
    { type: "graphql", route: "POST /graphql", schema: "graphql/schema.ts", output: "out/schema.graphql", commands: ["node -e \"require('fs').writeFileSync('out/ran.txt', 'yes')\""] },
  ] } }] }) } } };
  const routes = pothosRoutesOf([template, { Outputs: {} }]);
  // an Api's url makes the metadata a Fn::Join around its tokens
  const joined = { Outputs: { SSTMetadata: { Value: { "Fn::Join": ["", [
    '{"metadata":[{"type":"Api","data":{"url":"https://', { Ref: "Api" }, '.execute-api","routes":[{"type":"graphql","route":"POST /graphql","schema":"s.ts","output":"o.graphql"}]}}]}',
  ]] } } } };
  assert.deepEqual(pothosRoutesOf([joined]), [{ schema: "s.ts", output: "o.graphql", commands: undefined, internalPackages: undefined }]);
  assert.deepEqual(routes, [{ schema: "graphql/schema.ts", output: "out/schema.graphql", commands: ["node -e \"require('fs').writeFileSync('out/ran.txt', 'yes')\""], internalPackages: undefined }]);
  const regen = new PothosRegenerator(app, ui);
  regen.setRoutes(routes);
  await regen.idle();
  assert.match(fs.readFileSync(path.join(app, "out/schema.graphql"), "utf8"), /type Note \{\n  body: String\n  id: ID\n\}/);
  assert.equal(fs.readFileSync(path.join(app, "out/ran.txt"), "utf8"), "yes");
  assert.ok(lines.includes("ok Pothos: Extracted pothos schema (out/schema.graphql)"), lines.join("\n"));

  write("graphql/types/note.ts", noteType(`, title: t.string({ resolve: () => "t" })`));
  regen.filesChanged([path.join(app, "elsewhere.ts")]);
  assert.doesNotMatch(fs.readFileSync(path.join(app, "out/schema.graphql"), "utf8"), /title/, "a file outside the schema's folder changes nothing");
  regen.filesChanged([path.join(app, "graphql/types/note.ts")]);
  regen.filesChanged([path.join(app, "graphql/types/note.ts")]);
  await regen.idle();
  assert.match(fs.readFileSync(path.join(app, "out/schema.graphql"), "utf8"), /title: String\n/);

  write("graphql/types/note.ts", `this is not typescript(`);
  regen.filesChanged([path.join(app, "graphql/types/note.ts")]);
  await regen.idle();
  assert.ok(lines.some((l) => l.startsWith("error Pothos: Failed to extract schema from graphql/schema.ts")), lines.join("\n"));
  assert.match(fs.readFileSync(path.join(app, "out/schema.graphql"), "utf8"), /title/, "a failed extraction leaves the last schema");
});
