import { Api, Config, Function, Queue, Table, Topic, StackContext, use } from "sst/constructs";
import { Duration } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as kinesis from "aws-cdk-lib/aws-kinesis";
import * as firehose from "aws-cdk-lib/aws-kinesisfirehose";
import * as rds from "aws-cdk-lib/aws-rds";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Network } from "./Network";

export function Functions({ stack }: StackContext) {
  const { vpc, accessPoint } = use(Network);
  stack.setDefaultFunctionProps({ timeout: 15, environment: { FROM_STACK: "yes" } });
  stack.addDefaultFunctionEnv({ EXTRA: "1" });
  stack.addDefaultFunctionPermissions(["xray"]);
  const STRIPE_KEY = new Config.Secret(stack, "STRIPE_KEY");
  const failures = new Queue(stack, "Failures");
  const alerts = new Topic(stack, "Alerts");
  const table = new Table(stack, "Items", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
  const api = new Api(stack, "Api", { routes: { "GET /": "packages/functions/src/plain.handler" } });

  const inVpc = new Function(stack, "InVpc", {
    handler: "packages/functions/src/vpc.handler",
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    filesystem: lambda.FileSystem.fromEfsAccessPoint(accessPoint, "/mnt/data"),
    allowPublicSubnet: false,
  });

  const asyncJob = new Function(stack, "AsyncJob", {
    handler: "packages/functions/src/async.handler",
    deadLetterQueue: failures.cdk.queue,
    retryAttempts: 1,
    maxEventAge: Duration.hours(1),
    onFailure: new destinations.SqsDestination(failures.cdk.queue),
    onSuccess: new destinations.SnsDestination(alerts.cdk.topic),
    initialPolicy: [new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [failures.queueArn] })],
  });

  const importedTable = dynamodb.Table.fromTableName(stack, "ImportedTable", "legacy-table");
  const importedBucket = s3.Bucket.fromBucketName(stack, "ImportedBucket", "legacy-bucket");
  const importedStream = kinesis.Stream.fromStreamArn(stack, "ImportedStream", "arn:aws:kinesis:us-east-1:000000000000:stream/legacy");
  const importedFirehose = firehose.DeliveryStream.fromDeliveryStreamName(stack, "ImportedFirehose", "legacy-firehose");
  const clusterSecret = secretsmanager.Secret.fromSecretNameV2(stack, "ClusterSecret", "legacy-cluster-secret");
  const importedCluster = rds.ServerlessCluster.fromServerlessClusterAttributes(stack, "ImportedCluster", {
    clusterIdentifier: "legacy-cluster",
    secret: clusterSecret,
  });

  const worker = new Function(stack, "Worker", {
    handler: "packages/functions/src/worker.handler",
    architecture: "arm_64",
    memorySize: "2 GB",
    diskSize: "1 GB",
    timeout: "1 minute",
    description: "does the work",
    reservedConcurrentExecutions: 2,
    logRetention: "one_week",
    tracing: "pass_through",
    functionName: ({ stack }) => `${stack.stackName}-worker`,
    layers: ["arn:aws:lambda:us-east-1:764866452798:layer:chrome-aws-lambda:22"],
    copyFiles: [{ from: "assets/template.txt", to: "template.txt" }],
    nodejs: { format: "cjs", minify: true, sourcemap: false, install: [] },
    hooks: {
      async beforeBuild(_props, out) {
        await import("node:fs/promises").then((fs) => fs.writeFile(`${out}/built-by-hook.txt`, "before"));
      },
    },
    permissions: [
      "s3",
      "sns:Publish",
      new iam.PolicyStatement({ actions: ["ses:SendEmail"], resources: ["*"] }),
      [table.cdk.table, "grantReadData"],
      api,
      alerts,
      importedTable,
      importedBucket,
      importedStream,
      importedFirehose,
      importedCluster,
    ],
    bind: [
      STRIPE_KEY,
      { resource: table, permissions: [{ actions: ["dynamodb:GetItem"], resources: [table.tableArn] }] },
    ],
    prefetchSecrets: true,
  });
  worker.attachPermissions([asyncJob]);

  const quiet = new Function(stack, "Quiet", {
    handler: "packages/functions/src/plain.handler",
    disableCloudWatchLogs: true,
    enableLiveDev: false,
    url: true,
  });

  const everything = new Function(stack, "Admin", { handler: "packages/functions/src/plain.handler", permissions: "*" });

  stack.addOutputs({ InVpc: inVpc.functionName, Worker: worker.functionName, QuietUrl: quiet.url, Admin: everything.functionArn });
}
