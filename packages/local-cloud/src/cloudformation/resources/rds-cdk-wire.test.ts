/**
 * Plain CDK databases deployed to the local cloud and reached with `pg`, as apps reach them
 * on AWS: a provisioned Aurora PostgreSQL `DatabaseCluster` (writer and reader
 * `AWS::RDS::DBInstance`s of the cluster) and a standalone postgres `DatabaseInstance`,
 * each with CDK's generated secret. Their `Endpoint.Address`/`Endpoint.Port` (through
 * `clusterEndpoint`, `clusterReadEndpoint`, `instanceEndpoint`) and the secrets'
 * `host`/`port` are their local Postgres endpoints; deleting the stack closes them.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import pg from "pg";
import { App, CfnOutput, DefaultStackSynthesizer, RemovalPolicy, Stack, Token } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as rds from "aws-cdk-lib/aws-rds";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "./test-stack.js";

process.env.CDK_VALIDATION = "false";

function template(): unknown {
  const app = new App();
  const stack = new Stack(app, "Databases", { env: { account: "000000000000", region: "us-east-1" }, synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) });
  const vpc = new ec2.Vpc(stack, "Vpc", { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: "db", subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  const cluster = new rds.DatabaseCluster(stack, "Cluster", {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_15_4 }),
    writer: rds.ClusterInstance.serverlessV2("writer"), readers: [rds.ClusterInstance.serverlessV2("reader")],
    vpc, vpcSubnets, defaultDatabaseName: "app", removalPolicy: RemovalPolicy.DESTROY,
  });
  const instance = new rds.DatabaseInstance(stack, "Instance", {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc, vpcSubnets, databaseName: "inventory", removalPolicy: RemovalPolicy.DESTROY,
  });
  new CfnOutput(stack, "ClusterHost", { value: cluster.clusterEndpoint.hostname });
  new CfnOutput(stack, "ClusterPort", { value: Token.asString(cluster.clusterEndpoint.port) });
  new CfnOutput(stack, "ReaderHost", { value: cluster.clusterReadEndpoint.hostname });
  new CfnOutput(stack, "InstanceHost", { value: instance.instanceEndpoint.hostname });
  new CfnOutput(stack, "InstancePort", { value: Token.asString(instance.instanceEndpoint.port) });
  new CfnOutput(stack, "ClusterSecret", { value: cluster.secret!.secretArn });
  new CfnOutput(stack, "InstanceSecret", { value: instance.secret!.secretArn });
  return app.synth().getStackByName("Databases").template;
}

let tc: TestCloud;
let outputs: Record<string, string>;

before(async () => {
  tc = await startTestCloud();
  ({ outputs } = await deployTestStack(tc.cloud, "databases", template()));
});
after(async () => {
  await tc?.stop();
});

async function secretOf(arn: string): Promise<any> {
  return JSON.parse((await tc.cloud.secretsmanager.call("GetSecretValue", { SecretId: arn })).SecretString);
}

test("a DatabaseCluster and a DatabaseInstance: endpoints, secrets and pg logins", async () => {
  assert.deepEqual([outputs.ClusterHost, outputs.ReaderHost, outputs.InstanceHost], ["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
  assert.notEqual(outputs.ClusterPort, outputs.InstancePort, "each database has its own endpoint");
  const clusterSecret = await secretOf(outputs.ClusterSecret!);
  const instanceSecret = await secretOf(outputs.InstanceSecret!);
  assert.deepEqual([clusterSecret.host, String(clusterSecret.port), clusterSecret.engine], ["127.0.0.1", outputs.ClusterPort, "postgres"]);
  assert.deepEqual([instanceSecret.host, String(instanceSecret.port), instanceSecret.dbInstanceIdentifier !== undefined], ["127.0.0.1", outputs.InstancePort, true]);

  for (const [secret, database] of [[clusterSecret, "app"], [instanceSecret, "inventory"]] as const) {
    const client = new pg.Client({ host: secret.host, port: secret.port, user: secret.username, password: secret.password, database });
    await client.connect();
    try {
      await client.query("CREATE TABLE marker (db text)");
      await client.query("INSERT INTO marker VALUES (current_database())");
      assert.deepEqual((await client.query("SELECT db FROM marker")).rows, [{ db: database }], "two separate databases");
    } finally {
      await client.end();
    }
  }
});

test("deleting the stack closes the endpoints", async () => {
  await tc.cloud.cloudformation.call("DeleteStack", { StackName: "databases" });
  for (const port of [outputs.ClusterPort, outputs.InstancePort]) {
    await assert.rejects(new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(port), "127.0.0.1", () => {
        socket.destroy();
        resolve();
      });
      socket.on("error", reject);
    }), /ECONNREFUSED/);
  }
});
