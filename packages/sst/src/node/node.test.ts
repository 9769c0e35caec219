/**
 * Runtime clients: env parsing, the SSM secret fetch (fake and against the local
 * cloud's real SSM), and the clients as a function sees them (child processes,
 * since the clients read the environment once at import).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { parseBindingEnv, groupVariables } from "./util/env.js";
import { fetchSecrets } from "./util/ssm.js";
import { runInFunctionEnv as child, nodeModulePath as imp } from "./function-env.testing.js";

describe("binding env parsing", () => {
  it("splits SST_{Type}_{prop}_{id}, keeping underscores in the id", () => {
    const vars = parseBindingEnv({
      SST_APP: "a", SST_STAGE: "dev", SST_SSM_PREFIX: "/x/",
      SST_Table_tableName_Users: "t1", SST_Table_tableName_my_table: "t2", SST_Secret_value_STRIPE_KEY: "__FETCH_FROM_SSM__",
      OTHER: "x",
    });
    assert.deepEqual(groupVariables(vars), {
      Table: { Users: { tableName: "t1" }, my_table: { tableName: "t2" } },
      Secret: { STRIPE_KEY: { value: "__FETCH_FROM_SSM__" } },
    });
  });
});

describe("fetchSecrets", () => {
  const env = { SST_APP: "my-app", SST_STAGE: "dev", SST_SSM_PREFIX: "/sst/my-app/dev/" };
  const vars = (ids: string[]) => ids.map((id) => ({ type: "Secret", prop: "value", id, value: "__FETCH_FROM_SSM__", envName: `SST_Secret_value_${id}` }));

  it("fetches ten names a call, then tries the fallback path", async () => {
    const store: Record<string, string> = { "/sst/my-app/.fallback/Secret/S11/value": "fb" };
    for (let i = 0; i < 11; i++) store[`/sst/my-app/dev/Secret/S${i}/value`] = `v${i}`;
    const calls: string[][] = [];
    const get = async (names: string[]) => {
      calls.push(names);
      return names.filter((n) => n in store).map((n) => ({ Name: n, Value: store[n] }));
    };
    const vs = vars([...Array(12).keys()].map((i) => `S${i}`));
    const got = await fetchSecrets(vs, env, get);
    assert.deepEqual(calls.map((c) => c.length), [10, 2, 1]);
    assert.equal(got.get(vs[3]), "v3");
    assert.equal(got.get(vs[11]), "fb");
  });

  it("names every missing secret and the stage", async () => {
    await assert.rejects(fetchSecrets(vars(["A", "B"]), env, async () => []),
      { message: 'The following secret values are not set in the "dev" stage: A, B' });
  });
});

describe("clients in a function's environment", () => {
  const base = { SST_APP: "my-app", SST_STAGE: "dev", SST_SSM_PREFIX: "/sst/my-app/dev/" };

  it("exposes bound values and normalises '-' to '_'", async () => {
    const r = await child(
      `const { Table } = await import(${imp("table")}); const { Bucket } = await import(${imp("bucket")});
       const { Queue } = await import(${imp("queue")}); const { Config } = await import(${imp("config")});
       console.log(JSON.stringify([Table.Users.tableName, Table["my-table"].tableName, Bucket.Uploads.bucketName, Queue.Jobs.queueUrl, Config.GREETING, Config.APP, Config.STAGE]));`,
      { ...base, SST_Table_tableName_Users: "dev-my-app-Users", SST_Table_tableName_my_table: "dev-my-app-my-table",
        SST_Bucket_bucketName_Uploads: "b", SST_Queue_queueUrl_Jobs: "http://q", SST_Parameter_value_GREETING: "hi" },
    );
    assert.ok(r.ok, r.out);
    assert.deepEqual(JSON.parse(r.out), ["dev-my-app-Users", "dev-my-app-my-table", "b", "http://q", "hi", "my-app", "dev"]);
  });

  it("throws for an unbound name", async () => {
    const r = await child(
      `const { Table } = await import(${imp("table")});
       try { Table.Nope; } catch (e) { console.log(e.message); }
       const { Config } = await import(${imp("config")});
       try { Config.MISSING; } catch (e) { console.log(e.message); }`,
      base,
    );
    assert.ok(r.ok, r.out);
    assert.deepEqual(r.out.split("\n"), [
      "Cannot use Table.Nope. Please make sure it is bound to this function.",
      "Cannot use Config.MISSING. Please make sure it is bound to this function.",
    ]);
  });
});

describe("Config secrets against the local cloud's SSM", () => {
  let stopCloud: (() => Promise<void>) | undefined;
  let endpoint = "";
  before(async () => {
    const { startTestCloud } = await import("../../../local-cloud/src/testing.js");
    const { SSMClient, PutParameterCommand } = await import("@aws-sdk/client-ssm");
    const tc = await startTestCloud();
    stopCloud = tc.stop;
    endpoint = tc.clientConfig.endpoint;
    const ssm = new SSMClient(tc.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: "/sst/my-app/dev/Secret/STRIPE_KEY/value", Value: "sk_live", Type: "SecureString" }));
    await ssm.send(new PutParameterCommand({ Name: "/sst/my-app/.fallback/Secret/SHARED/value", Value: "from-fallback", Type: "SecureString" }));
    ssm.destroy();
  });
  after(async () => { await stopCloud?.(); });

  const awsEnv = () => ({
    AWS_ENDPOINT_URL: endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test",
    SST_APP: "my-app", SST_STAGE: "dev", SST_SSM_PREFIX: "/sst/my-app/dev/",
  });

  it("fetches stage and fallback secrets at import", async () => {
    const r = await child(
      `const { Config } = await import(${imp("config")}); console.log(JSON.stringify([Config.STRIPE_KEY, Config.SHARED]));`,
      { ...awsEnv(), SST_Secret_value_STRIPE_KEY: "__FETCH_FROM_SSM__", SST_Secret_value_SHARED: "__FETCH_FROM_SSM__" },
    );
    assert.ok(r.ok, r.out);
    assert.deepEqual(JSON.parse(r.out), ["sk_live", "from-fallback"]);
  });

  it("fails the import naming the secrets that are not set", async () => {
    const r = await child(`await import(${imp("config")});`,
      { ...awsEnv(), SST_Secret_value_NOPE: "__FETCH_FROM_SSM__", SST_Secret_value_STRIPE_KEY: "__FETCH_FROM_SSM__" });
    assert.equal(r.ok, false);
    assert.match(r.out, /The following secret values are not set in the "dev" stage: NOPE/);
  });
});
