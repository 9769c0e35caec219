/**
 * RDS under `sst dev`, as in SST v2: the deploy runs no migrations; the Console lists them
 * and applies them by invoking the migrator (live, from source, reading the migrations
 * folder in place) — in Chromium, clicking through the Console's RDS view, when it is
 * installed; then a bound function counts with kysely over the Data API through the app's
 * API, and the view's query box reads the count. `sst dev` printed the cluster's
 * connection string once, and a `pg` client given just that string reads the count too.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import pg from "pg";
import path from "node:path";
import { removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { output } from "./helpers/outputs.js";
import { hasChromium, launchChromium } from "./helpers/chromium.js";

const FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "rds-dev", private: true, type: "module", dependencies: { sst: "*" } }),
  "sst.config.ts": `
import { Db } from "./stacks/Db";
export default { config() { return { name: "rds-dev", region: "us-east-1" }; }, stacks(app) { app.stack(Db); } };
`,
  "stacks/Db.ts": `
import { Api, RDS, StackContext } from "sst/constructs";
export function Db({ stack }: StackContext) {
  const cluster = new RDS(stack, "Cluster", { engine: "postgresql11.13", defaultDatabaseName: "CounterDB", migrations: "services/migrations" });
  const api = new Api(stack, "Api", { defaults: { function: { bind: [cluster] } }, routes: { "POST /": "packages/functions/src/lambda.handler" } });
  stack.addOutputs({ ApiEndpoint: api.url });
}
`,
  "services/migrations/first.mjs": `
import { Kysely } from "kysely";
export async function up(db) {
  await db.schema.createTable("tblcounter").addColumn("counter", "text", (col) => col.primaryKey()).addColumn("tally", "integer").execute();
  await db.insertInto("tblcounter").values({ counter: "hits", tally: 0 }).execute();
}
export async function down(db) { await db.schema.dropTable("tblcounter").execute(); }
`,
  "packages/functions/src/lambda.ts": `
import { Kysely } from "kysely";
import { DataApiDialect } from "kysely-data-api";
import { RDSData } from "@aws-sdk/client-rds-data";
import { RDS } from "sst/node/rds";

const db = new Kysely<any>({
  dialect: new DataApiDialect({
    mode: "postgres",
    driver: { database: RDS.Cluster.defaultDatabaseName, secretArn: RDS.Cluster.secretArn, resourceArn: RDS.Cluster.clusterArn, client: new RDSData({}) },
  }),
});

export async function handler() {
  const record = await db.selectFrom("tblcounter").select("tally").where("counter", "=", "hits").executeTakeFirstOrThrow();
  const count = record.tally + 1;
  await db.updateTable("tblcounter").set({ tally: count }).execute();
  return { statusCode: 200, body: String(count) };
}
`,
};

describe("RDS under sst dev", () => {
  let app: string;
  let dev: SstProcess;
  let consoleUrl: string;
  let consoleOrigin: string;
  let token: string;

  before(async () => {
    app = path.join(repoRoot, ".tmp", `rds-dev-${process.pid}`);
    fs.rmSync(app, { recursive: true, force: true });
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(app, rel)), { recursive: true });
      fs.writeFileSync(path.join(app, rel), text);
    }
    dev = new SstProcess(app, ["dev", "--stage", "rdsdev", "--port", String(await freePort())]);
    const line = await dev.waitFor(/Console: http:\/\/\S+/, 180_000);
    consoleUrl = /Console: (http:\/\/\S+)/.exec(line)![1]!;
    const url = new URL(consoleUrl);
    consoleOrigin = url.origin;
    token = url.searchParams.get("token") ?? "";
  });

  after(async () => {
    await dev?.stop();
    if (!process.env.SST_TEST_KEEP && app) removeApp(app);
  });

  async function consoleApi(method: string, route: string, body?: unknown) {
    const res = await fetch(`${consoleOrigin}/api/${route}`, {
      method, headers: { authorization: `Bearer ${token}`, "x-sst-console": "1", "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as any;
  }

  test("migrations wait for the Console; then the function counts through the Data API", { timeout: 300_000 }, async () => {
    const api = output(app, "ApiEndpoint").replace(/\/$/, "");
    const before = await fetch(`${api}/`, { method: "POST" });
    assert.equal(before.status, 500, "the deploy ran no migration: the table is not there yet");

    const { migrations } = await consoleApi("GET", "rds/migrations?id=Cluster");
    assert.deepEqual(migrations.map((m: any) => [m.name, m.executedAt ?? null]), [["first", null]]);
    const browser = hasChromium ? await launchChromium(["--disable-gpu"]) : undefined;
    try {
      const page = browser && (await (await browser.newContext()).newPage());
      if (page) {
        page.setDefaultTimeout(60_000);
        await page.goto(consoleUrl);
        await page.goto(`${consoleOrigin}/#/rds`);
        const row = page.locator("tr", { hasText: "first" });
        await row.locator("text=pending").waitFor();
        await page.getByRole("button", { name: "Apply all pending" }).click();
        await row.locator("text=pending").waitFor({ state: "detached" });
      } else {
        const { results } = await consoleApi("POST", "rds/migrate", { id: "Cluster" });
        assert.deepEqual(results.map((r: any) => [r.migrationName, r.status]), [["first", "Success"]]);
      }
      assert.ok((await consoleApi("GET", "rds/migrations?id=Cluster")).migrations[0].executedAt, "applied");

      for (const expected of ["1", "2"]) {
        const res = await fetch(`${api}/`, { method: "POST" });
        assert.equal(res.status, 200, await res.clone().text());
        assert.equal(await res.text(), expected);
      }
      if (page) {
        await page.getByLabel("SQL for Cluster").fill("SELECT counter, tally FROM tblcounter");
        await page.getByRole("button", { name: "Run" }).click();
        await page.locator("td", { hasText: /^2$/ }).waitFor();
      }
    } finally {
      await browser?.close();
    }
  });

  test("sst dev printed the cluster's connection string once; a client given only that string connects", async () => {
    const printed = dev.output.split("\n").filter((l) => /Postgres \S+: postgresql:\/\//.test(l));
    assert.equal(printed.length, 1, dev.output);
    const url = /(postgresql:\/\/\S+)/.exec(printed[0]!)![1]!;
    assert.match(url, /^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/CounterDB$/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      assert.deepEqual((await client.query("SELECT tally FROM tblcounter")).rows, [{ tally: 2 }]);
    } finally {
      await client.end();
    }
  });
});
