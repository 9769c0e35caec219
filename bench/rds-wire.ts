/**
 * Benchmark: what a query over a local cluster's Postgres wire endpoint costs, beside the
 * same query through the RDS Data API (the baseline, measured in the same run): a primary
 * key lookup with the real `pg` client — a parameterized query, a named prepared
 * statement, and two connections taking turns (each turn hands the backend to the other
 * connection: its settings are saved and the other's applied) — and with the SDK's
 * ExecuteStatement.
 *
 *   node --import tsx bench/rds-wire.ts [rounds] [requests]
 *
 * Prints CPU µs per query of the whole process (client and cloud; median over `rounds`,
 * default 5, of `requests`, default 300, sequential queries each) and the ratio to the
 * baseline.
 */
import pg from "pg";
import { RDSDataClient, ExecuteStatementCommand } from "@aws-sdk/client-rds-data";
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { deployTestStack } from "../packages/local-cloud/src/cloudformation/resources/test-stack.js";
import { treeCpuUs, machineLoad } from "./lib/proc.js";
import { median } from "./lib/stats.js";

const rounds = Number(process.argv[2] ?? 5);
const requests = Number(process.argv[3] ?? 300);

const resolve = (k: string) => ({ "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: "Secret" }, `:SecretString:${k}::}}`]] });
const template = {
  Resources: {
    Secret: { Type: "AWS::SecretsManager::Secret", Properties: { GenerateSecretString: { SecretStringTemplate: '{"username":"postgres"}', GenerateStringKey: "password", ExcludePunctuation: true } } },
    Cluster: { Type: "AWS::RDS::DBCluster", Properties: { Engine: "aurora-postgresql", DatabaseName: "bench", EnableHttpEndpoint: true, MasterUsername: resolve("username"), MasterUserPassword: resolve("password") } },
    Attach: { Type: "AWS::SecretsManager::SecretTargetAttachment", Properties: { SecretId: { Ref: "Secret" }, TargetId: { Ref: "Cluster" }, TargetType: "AWS::RDS::DBCluster" } },
  },
  Outputs: { Cluster: { Value: { "Fn::GetAtt": ["Cluster", "DBClusterArn"] } }, Secret: { Value: { Ref: "Attach" } } },
};

const tc = await startTestCloud();
const clients: pg.Client[] = [];
try {
  const { outputs } = await deployTestStack(tc.cloud, "bench", template);
  const secret = JSON.parse((await tc.cloud.secretsmanager.call("GetSecretValue", { SecretId: outputs.Secret })).SecretString);
  const rds = new RDSDataClient(tc.clientConfig);
  const target = { resourceArn: outputs.Cluster!, secretArn: outputs.Secret!, database: "bench" };
  await rds.send(new ExecuteStatementCommand({ ...target, sql: "CREATE TABLE item (id int PRIMARY KEY, name text); INSERT INTO item SELECT g, 'item ' || g FROM generate_series(1, 1000) g" }));
  for (let i = 0; i < 2; i++) {
    const c = new pg.Client({ host: secret.host, port: secret.port, user: secret.username, password: secret.password, database: "bench" });
    await c.connect();
    clients.push(c);
  }
  const [a, b] = clients as [pg.Client, pg.Client];
  await b.query("SET application_name = 'other'");
  let turn = 0;
  const targets: Record<string, () => Promise<unknown>> = {
    "Data API ExecuteStatement [baseline]": () => rds.send(new ExecuteStatementCommand({ ...target, sql: "SELECT id, name FROM item WHERE id = :id", parameters: [{ name: "id", value: { longValue: 7 } }] })),
    "pg, parameterized query": () => a.query("SELECT id, name FROM item WHERE id = $1", [7]),
    "pg, named prepared statement": () => a.query({ name: "item", text: "SELECT id, name FROM item WHERE id = $1", values: [7] }),
    "pg, two connections taking turns": () => (turn++ % 2 ? a : b).query("SELECT id, name FROM item WHERE id = $1", [7]),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (const send of Object.values(targets)) for (let i = 0; i < 50; i++) await send();
  for (let r = 0; r < rounds; r++) {
    for (const [name, send] of Object.entries(targets)) {
      const cpu0 = treeCpuUs(process.pid);
      for (let i = 0; i < requests; i++) await send();
      samples[name]!.push((treeCpuUs(process.pid) - cpu0) / requests);
    }
  }
  const baseline = median(Object.values(samples)[0]!);
  console.log(`load: ${machineLoad()}; ${rounds} rounds × ${requests} sequential queries each`);
  for (const [name, xs] of Object.entries(samples)) {
    console.log(`${name.padEnd(40)} ${median(xs).toFixed(0).padStart(6)} µs CPU/query  ×${(median(xs) / baseline).toFixed(2)} of baseline`);
  }
  rds.destroy();
} finally {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await tc.stop();
}
