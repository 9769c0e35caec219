/**
 * create-sst graphql/rds, end to end: the app SST v2's generator makes for a GraphQL API
 * over RDS runs unchanged under `sst dev`. As with SST v2, the dev deploy applies no
 * migration: the Console's RDS view does (here through the same API its button calls);
 * then GraphQL mutations and queries go through the Api route, kysely and the Data API,
 * and the rows are really in the cluster's Postgres (read back with the AWS CLI's
 * `aws rds-data` and the SDK v3 client).
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import path from "node:path";
import { RDSDataClient, ExecuteStatementCommand } from "@aws-sdk/client-rds-data";
import { removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess } from "./helpers/sst-process.js";
import { consoleApiOf, type ConsoleApi } from "./helpers/console-api.js";
import { output } from "./helpers/outputs.js";
import { generateApp, http, startDev, warm, type RunningApp } from "./helpers/generated-app.js";

const LOCAL = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };

/** How the suite applies the migrations: the Console's migrate action, or the app's `npm run migrate latest`. */
const SUITES = [
  { template: "graphql/rds", name: "gql-rds", migrateWith: "console" },
  { template: "examples/graphql-rds", name: "ex-gql-rds", migrateWith: "script" },
] as const;

/** Child processes run without blocking this process's event loop (see the migrate script's run). */
const run = promisify(execFile);
const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");

for (const { template, name: appName, migrateWith } of SUITES) {
  describe(`create-sst ${template} under sst dev`, () => {
    let app: string;
    let running: RunningApp;
    let graphqlUrl: string;
    let consoleApi: ConsoleApi;
    const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await http("POST", graphqlUrl, { query, variables });
      assert.equal(res.status, 200, res.text);
      return res.json as { data: any; errors?: { message: string }[] };
    };
    const create = "mutation ($title: String!, $url: String!) { createArticle(title: $title, url: $url) { id title url } }";

    before(async () => {
      app = generateApp(template, appName);
      running = await startDev(app, "e2e");
      graphqlUrl = `${output(app, "API").replace(/\/$/, "")}/graphql`;
      consoleApi = await consoleApiOf(running.dev);
    });
    after(async () => {
      await running?.stop();
      if (!process.env.SST_TEST_KEEP) removeApp(app);
    });

    test("the generated app is SST v2's: RDS with migrations and types, kysely in core, the migrate script", () => {
      const name = path.basename(app);
      assert.match(fs.readFileSync(path.join(app, "stacks/Database.ts"), "utf8"), /new RDS\(stack, "db", \{[\s\S]*migrations: "packages\/core\/migrations",[\s\S]*types: "packages\/core\/src\/sql\.generated\.ts"/);
      const core = JSON.parse(fs.readFileSync(path.join(app, "packages/core/package.json"), "utf8"));
      assert.equal(core.name, `@${name}/core`);
      assert.equal(core.scripts.migrate, "sst bind tsx ./src/migrator.ts");
      for (const dep of ["kysely", "kysely-data-api", "@aws-sdk/client-rds-data", "ulid"]) assert.ok(core.dependencies[dep], dep);
      const root = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8"));
      assert.equal(root.scripts.gen, "hygen");
      assert.ok(fs.existsSync(path.join(app, "_templates/migration/new/migration.ejs.t")));
      assert.match(fs.readFileSync(path.join(app, "packages/functions/src/graphql/types/article.ts"), "utf8"), new RegExp(`from "@${name}/core/sql"`));
    });

    test(`the dev deploy applies no migration; ${migrateWith === "console" ? "the Console lists it pending and applies it" : "npm run migrate latest applies it"}; the types follow`, async () => {
      const typesFile = path.join(app, "packages/core/src/sql.generated.ts");
      // After the deploy sst dev writes the types of the (still empty) database.
      await running.dev.waitFor(/Kysely: Generated types for RDS "db" \(packages\/core\/src\/sql\.generated\.ts\)/, 60_000);
      assert.match(fs.readFileSync(typesFile, "utf8"), /export interface Database \{\s*\}/);
      // Before the migration the article table does not exist: the resolver fails (Yoga masks it).
      await warm("POST", graphqlUrl, { query: "{ articles { id } }" });
      const early = await graphql("{ articles { id } }");
      assert.equal(early.errors?.[0]?.message, "Unexpected error.");

      const { json: databases } = await consoleApi("GET", "rds/databases");
      assert.deepEqual(databases.databases.map((d: any) => [d.id, d.engine, d.defaultDatabaseName, !!d.migrator]), [["db", "postgresql11.13", "main", true]]);
      const listed = await consoleApi("GET", "rds/migrations?id=db");
      assert.deepEqual(listed.json.migrations, [{ name: "1650000012557_article" }]);
      const from = running.dev.lines.length;
      if (migrateWith === "console") {
        const applied = await consoleApi("POST", "rds/migrate", { id: "db" });
        assert.equal(applied.status, 200, JSON.stringify(applied.json));
        assert.deepEqual(applied.json.results.map((r: any) => [r.migrationName, r.direction, r.status]), [["1650000012557_article", "Up", "Success"]]);
      } else {
        // What `npm run migrate latest` runs in packages/core, with npm's PATH (tsx from node_modules/.bin).
        const PATH = `${path.join(repoRoot, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}`;
        // Run without blocking this process: a blocked event loop misses the Console closing
        // its idle keep-alive socket, and the next fetch on it fails.
        const bind = new SstProcess(path.join(app, "packages/core"), ["bind", "--stage", "e2e", "tsx", "./src/migrator.ts", "latest"], { PATH });
        assert.equal(await bind.exited, 0, bind.output);
        assert.match(bind.output, /migrating to latest[\s\S]*migrationName: '1650000012557_article',\s*direction: 'Up',\s*status: 'Success'/);
      }
      const after = await consoleApi("GET", "rds/migrations?id=db");
      assert.ok(after.json.migrations[0].executedAt, "applied");

      // The Console's migration ran the migrator, which regenerates the types; the
      // script's did not, and the Console's listing (a migrator run too) picks it up.
      await running.dev.waitFor(/Kysely: Generated types for RDS "db"/, 60_000, from);
      const types = fs.readFileSync(typesFile, "utf8");
      assert.match(types, /export interface Article \{\n  articleID: string;\n  title: string;\n  url: string;\n  created: Generated<Timestamp>;\n\}/);
      assert.match(types, /export interface Database \{\n  article: Article;\n\}/);
    });

    test("the generated types type-check the app's queries against the migrated schema", async () => {
      const check = path.join(app, "packages/core/src/types-check.ts");
      fs.writeFileSync(check, [
        `import { SQL } from "./sql";`,
        `export const ok = () => SQL.DB.selectFrom("article").select(["articleID", "created"]).execute();`,
        `// @ts-expect-error: the migration made no such column`,
        `export const bad = () => SQL.DB.selectFrom("article").select("nope").execute();`,
        `// @ts-expect-error: title is NOT NULL without a default, so an insert needs it`,
        `export const missing = () => SQL.DB.insertInto("article").values({ articleID: "x", url: "u" }).execute();`,
        "",
      ].join("\n"));
      try {
        await run(process.execPath, [tsc, "--noEmit", "-p", "packages/core"], { cwd: app }).catch((err) => assert.fail(`${err.stdout}${err.stderr}`));
      } finally {
        fs.rmSync(check);
      }
    });

    test("createArticle inserts through kysely and the Data API; articles and article read it back", async () => {
      const created = await graphql(create, { title: "Hello RDS", url: "https://example.com/rds" });
      assert.equal(created.errors, undefined, JSON.stringify(created.errors));
      const id = created.data.createArticle.id;
      assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/, "a ulid");
      assert.deepEqual(created.data.createArticle, { id, title: "Hello RDS", url: "https://example.com/rds" });
      const second = await graphql(create, { title: "Second", url: "https://example.com/2" });
      const id2 = second.data.createArticle.id;

      // `list` orders by the created timestamp, newest first.
      const list = await graphql("{ articles { id title } }");
      assert.deepEqual(list.data.articles.map((a: any) => a.id), [id2, id]);
      const one = await graphql("query ($id: String!) { article(articleID: $id) { id url title } }", { id });
      assert.deepEqual(one.data.article, { id, url: "https://example.com/rds", title: "Hello RDS" });
      const missing = await graphql("query ($id: String!) { article(articleID: $id) { url } }", { id: "nope" });
      assert.deepEqual(missing.data, { article: null });
    });

    test("the rows are in the cluster's Postgres: aws rds-data and the SDK v3 client read them", async () => {
      const { json } = await consoleApi("GET", "rds/databases");
      const db = json.databases[0];
      const endpoint = new URL(graphqlUrl).origin;
      const { stdout: cli } = await run("/usr/bin/aws", [
        "rds-data", "execute-statement", "--endpoint-url", endpoint, "--region", "us-east-1",
        "--resource-arn", db.clusterArn, "--secret-arn", db.secretArn, "--database", "main",
        "--sql", 'SELECT title, url FROM article ORDER BY created', "--format-records-as", "JSON",
      ], { env: { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_PAGER: "" } });
      assert.deepEqual(JSON.parse(JSON.parse(cli).formattedRecords), [{ title: "Hello RDS", url: "https://example.com/rds" }, { title: "Second", url: "https://example.com/2" }]);

      const client = new RDSDataClient({ endpoint, ...LOCAL });
      const out = await client.send(new ExecuteStatementCommand({
        resourceArn: db.clusterArn, secretArn: db.secretArn, database: "main",
        sql: "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'article' ORDER BY ordinal_position",
      }));
      client.destroy();
      assert.deepEqual(out.records?.map((r) => [r[0]!.stringValue, r[1]!.stringValue]), [
        ["articleID", "text"], ["title", "text"], ["url", "text"], ["created", "timestamp without time zone"],
      ]);
    });
  });
}
