/**
 * The RDS Data API on PGlite: what the first statement of a cluster costs (PGlite's
 * import, the cluster's first open, the first query), and per-request CPU of a primary
 * key SELECT through the real `@aws-sdk/client-rds-data`, beside a baseline measured in
 * the same run: SSM GetParameter through `@aws-sdk/client-ssm` (a small JSON request the
 * same server answers without a database engine).
 *
 *   node --import tsx bench/rds/run.ts
 *
 * `BENCH_RDS_COLD=1` also measures initdb (a fresh temp dir, so no pristine cluster to copy).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RDSDataClient, ExecuteStatementCommand } from "@aws-sdk/client-rds-data";
import { SSMClient, PutParameterCommand, GetParameterCommand } from "@aws-sdk/client-ssm";
import { median } from "../lib/wrk.js";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);

if (process.env.BENCH_RDS_COLD) process.env.TMPDIR = fs.mkdtempSync(path.join(os.tmpdir(), "rds-cold-"));
const { LocalCloud } = await import("../../packages/local-cloud/src/cloud.js");

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;

async function perRequest(n: number, send: () => Promise<unknown>): Promise<{ cpuMs: number; wallMs: number }> {
  for (let i = 0; i < 20; i++) await send();
  const walls: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await send();
    walls.push(performance.now() - t);
  }
  return { cpuMs: cpuMs(process.cpuUsage(cpu0)) / n, wallMs: median(walls) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-bench-"));
const startCpu = process.cpuUsage();
const cloud = await LocalCloud.start({ dir, port: 0 });
console.log(`cloud start: ${cpuMs(process.cpuUsage(startCpu)).toFixed(0)} ms CPU`);
const config = { endpoint: cloud.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
try {
  const ref = (key: string) => ({ "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: "S" }, `:SecretString:${key}::}}`]] });
  await cloud.cloudformation.call("CreateStack", {
    StackName: "bench",
    TemplateBody: JSON.stringify({
      Resources: {
        S: { Type: "AWS::SecretsManager::Secret", Properties: { GenerateSecretString: { SecretStringTemplate: '{"username":"postgres"}', GenerateStringKey: "password" } } },
        C: { Type: "AWS::RDS::DBCluster", Properties: { Engine: "aurora-postgresql", DatabaseName: "bench", DBClusterIdentifier: "bench", EnableHttpEndpoint: true, MasterUsername: ref("username"), MasterUserPassword: ref("password") } },
      },
      Outputs: { Arn: { Value: { "Fn::GetAtt": ["C", "DBClusterArn"] } }, Secret: { Value: { Ref: "S" } } },
    }),
  });
  const outputs = Object.fromEntries((await cloud.cloudformation.call("DescribeStacks", { StackName: "bench" })).Stacks[0].Outputs.map((o: any) => [o.OutputKey, o.OutputValue]));
  const rds = new RDSDataClient(config);
  const target = { resourceArn: outputs.Arn, secretArn: outputs.Secret, database: "bench" };

  const firstCpu = process.cpuUsage();
  const t0 = performance.now();
  await rds.send(new ExecuteStatementCommand({ ...target, sql: "CREATE TABLE kv (k text PRIMARY KEY, v text)" }));
  console.log(`first statement (PGlite import, cluster ${process.env.BENCH_RDS_COLD ? "initdb" : "copy"} + CREATE DATABASE + open, the DDL): ${(performance.now() - t0).toFixed(0)} ms wall, ${cpuMs(process.cpuUsage(firstCpu)).toFixed(0)} ms CPU`);
  await rds.send(new ExecuteStatementCommand({ ...target, sql: "INSERT INTO kv SELECT 'k' || i, 'v' || i FROM generate_series(1, 1000) i" }));

  const ssm = new SSMClient(config);
  await ssm.send(new PutParameterCommand({ Name: "/bench/p", Value: "v", Type: "String" }));
  const base = await perRequest(REQUESTS, () => ssm.send(new GetParameterCommand({ Name: "/bench/p" })));
  const select = await perRequest(REQUESTS, () => rds.send(new ExecuteStatementCommand({ ...target, sql: "SELECT v FROM kv WHERE k = :k", parameters: [{ name: "k", value: { stringValue: "k500" } }] })));
  // In-process (no HTTP, no SDK): what the service and Postgres themselves cost.
  const inProc = await perRequest(REQUESTS, () => cloud.rdsdata.call("ExecuteStatement", { ...target, sql: "SELECT v FROM kv WHERE k = :k", parameters: [{ name: "k", value: { stringValue: "k500" } }] }));
  console.log(`in-process ExecuteStatement: ${inProc.cpuMs.toFixed(2)} ms CPU/request, median ${inProc.wallMs.toFixed(2)} ms`);
  console.log(`baseline SSM GetParameter: ${base.cpuMs.toFixed(2)} ms CPU/request, median ${base.wallMs.toFixed(2)} ms`);
  console.log(`Data API SELECT by key:    ${select.cpuMs.toFixed(2)} ms CPU/request, median ${select.wallMs.toFixed(2)} ms  (${(select.cpuMs / base.cpuMs).toFixed(2)}× baseline CPU)`);
  rds.destroy();
  ssm.destroy();
} finally {
  await cloud.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
