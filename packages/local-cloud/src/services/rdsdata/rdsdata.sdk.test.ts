/**
 * The RDS Data API over the wire, with the real `@aws-sdk/client-rds-data` and the AWS
 * CLI, against a cluster CloudFormation made as CDK writes one (generated secret, dynamic
 * references to it, a target attachment): typed parameters and fields, metadata, JSON
 * records, transactions, batches, and AWS's errors for bad SQL, bad secrets, a closed
 * endpoint and missing permissions.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  RDSDataClient, ExecuteStatementCommand, BatchExecuteStatementCommand, BeginTransactionCommand, CommitTransactionCommand,
  RollbackTransactionCommand, ExecuteSqlCommand, type SqlParameter,
} from "@aws-sdk/client-rds-data";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { awsCli, startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let rds: RDSDataClient;
let cluster: string;
let secret: string;
let closedCluster: string;

const secretWith = (logicalId: string) => ({
  Type: "AWS::SecretsManager::Secret",
  Properties: { GenerateSecretString: { SecretStringTemplate: '{"username":"postgres"}', GenerateStringKey: "password", PasswordLength: 30, ExcludeCharacters: " %+~`#$&*()|[]{}:;<>?!'/@\"\\" } },
  logicalId,
});
const clusterWith = (secretId: string, props: Record<string, unknown>) => ({
  Type: "AWS::RDS::DBCluster",
  Properties: {
    Engine: "aurora-postgresql", EngineMode: "serverless", DatabaseName: "shop",
    MasterUsername: { "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: secretId }, ":SecretString:username::}}"]] },
    MasterUserPassword: { "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: secretId }, ":SecretString:password::}}"]] },
    ...props,
  },
});

before(async () => {
  tc = await startTestCloud();
  rds = new RDSDataClient(tc.clientConfig);
  const { logicalId: _a, ...dbSecret } = secretWith("DbSecret");
  const { logicalId: _b, ...offSecret } = secretWith("OffSecret");
  const template = {
    Resources: {
      DbSecret: dbSecret,
      Db: clusterWith("DbSecret", { DBClusterIdentifier: "shop-db", EnableHttpEndpoint: true }),
      Attach: { Type: "AWS::SecretsManager::SecretTargetAttachment", Properties: { SecretId: { Ref: "DbSecret" }, TargetId: { Ref: "Db" }, TargetType: "AWS::RDS::DBCluster" } },
      OffSecret: offSecret,
      Off: clusterWith("OffSecret", { DBClusterIdentifier: "closed-db" }),
    },
    Outputs: {
      Cluster: { Value: { "Fn::GetAtt": ["Db", "DBClusterArn"] } },
      Secret: { Value: { Ref: "Attach" } },
      Closed: { Value: { "Fn::GetAtt": ["Off", "DBClusterArn"] } },
    },
  };
  await tc.cloud.cloudformation.call("CreateStack", { StackName: "db", TemplateBody: JSON.stringify(template) });
  const stack = (await tc.cloud.cloudformation.call("DescribeStacks", { StackName: "db" })).Stacks[0];
  assert.equal(stack.StackStatus, "CREATE_COMPLETE", stack.StackStatusReason);
  const out = Object.fromEntries(stack.Outputs.map((o: any) => [o.OutputKey, o.OutputValue]));
  [cluster, secret, closedCluster] = [out.Cluster, out.Secret, out.Closed];
});
after(async () => {
  rds?.destroy();
  await tc?.stop();
});

const target = () => ({ resourceArn: cluster, secretArn: secret, database: "shop" });
const sql = (text: string, parameters?: SqlParameter[], extra: Record<string, unknown> = {}) =>
  rds.send(new ExecuteStatementCommand({ ...target(), sql: text, parameters, ...extra }));

async function rejects(p: Promise<unknown>, name: string, status: number, message?: string | RegExp) {
  await assert.rejects(p, (err: any) => {
    assert.equal(err.name, name, err.message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

test("typed parameters bind as Aurora binds them; fields and metadata come back typed", async () => {
  await sql(`CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty bigint, price numeric(10,2), ratio float8, active boolean,
    born date, seen timestamp, at timestamptz, ref uuid, doc jsonb, raw bytea, tags text[], counts int[])`);
  const insert = await sql(
    "INSERT INTO items (name, qty, price, ratio, active, born, seen, at, ref, doc, raw, tags, counts) VALUES (:name, :qty, :price, :ratio, :active, :born, :seen, :seen::timestamptz, :ref, :doc, :raw, ARRAY['a','b'], ARRAY[1,2]) RETURNING id",
    [
      { name: "name", value: { stringValue: "it's" } },
      { name: "qty", value: { longValue: 9007199254740991 } },
      { name: "price", value: { stringValue: "12.50" }, typeHint: "DECIMAL" },
      { name: "ratio", value: { doubleValue: 0.25 } },
      { name: "active", value: { booleanValue: true } },
      { name: "born", value: { stringValue: "2024-02-29" }, typeHint: "DATE" },
      { name: "seen", value: { stringValue: "2024-01-02 03:04:05.678" }, typeHint: "TIMESTAMP" },
      { name: "ref", value: { stringValue: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" }, typeHint: "UUID" },
      { name: "doc", value: { stringValue: '{"k": [1, 2]}' }, typeHint: "JSON" },
      { name: "raw", value: { blobValue: new Uint8Array([0, 1, 254]) } },
    ],
  );
  assert.deepEqual(insert.records, [[{ longValue: 1 }]]);
  assert.equal(insert.numberOfRecordsUpdated, 1);
  assert.deepEqual(insert.generatedFields, []);

  const r = await sql("SELECT * FROM items WHERE id = :id", [{ name: "id", value: { longValue: 1 } }], { includeResultMetadata: true });
  const [row] = r.records!;
  assert.deepEqual(row!.slice(0, 12), [
    { longValue: 1 }, { stringValue: "it's" }, { longValue: 9007199254740991 }, { stringValue: "12.50" }, { doubleValue: 0.25 }, { booleanValue: true },
    { stringValue: "2024-02-29" }, { stringValue: "2024-01-02 03:04:05.678" }, { stringValue: "2024-01-02 03:04:05.678" },
    { stringValue: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" }, { stringValue: '{"k": [1, 2]}' }, { blobValue: new Uint8Array([0, 1, 254]) },
  ]);
  assert.deepEqual(row!.slice(12), [{ arrayValue: { stringValues: ["a", "b"] } }, { arrayValue: { longValues: [1, 2] } }]);
  assert.deepEqual(r.columnMetadata!.map((c) => [c.name, c.typeName, c.type]), [
    ["id", "int4", 4], ["name", "text", 12], ["qty", "int8", -5], ["price", "numeric", 2], ["ratio", "float8", 8], ["active", "bool", -7],
    ["born", "date", 91], ["seen", "timestamp", 93], ["at", "timestamptz", 93], ["ref", "uuid", 1111], ["doc", "jsonb", 1111], ["raw", "bytea", -2],
    ["tags", "_text", 2003], ["counts", "_int4", 2003],
  ]);
  assert.equal(r.numberOfRecordsUpdated, 0);

  const nulls = await sql("SELECT :nothing::text AS n, :x AS x, 3 AS x", [{ name: "nothing", value: { isNull: true } }, { name: "x", value: { stringValue: "y" } }]);
  assert.deepEqual(nulls.records, [[{ isNull: true }, { stringValue: "y" }, { longValue: 3 }]]);
});

test("formatRecordsAs JSON and resultSetOptions", async () => {
  await sql("CREATE TABLE prices (sku text, amount numeric(8,2), n bigint)");
  await sql("INSERT INTO prices VALUES ('a', 1.50, 3), ('b', NULL, 4)");
  const r = await sql("SELECT * FROM prices ORDER BY sku", undefined, { formatRecordsAs: "JSON" });
  assert.equal(r.records, undefined);
  assert.deepEqual(JSON.parse(r.formattedRecords!), [{ sku: "a", amount: "1.50", n: 3 }, { sku: "b", amount: null, n: 4 }]);
  const d = await sql("SELECT amount, n FROM prices WHERE sku = 'a'", undefined, { resultSetOptions: { decimalReturnType: "DOUBLE_OR_LONG", longReturnType: "STRING" } });
  assert.deepEqual(d.records, [[{ doubleValue: 1.5 }, { stringValue: "3" }]]);
  const ddl = await sql("CREATE INDEX prices_sku ON prices (sku)", undefined, { includeResultMetadata: true });
  assert.deepEqual([ddl.records, ddl.columnMetadata, ddl.numberOfRecordsUpdated], [undefined, undefined, 0]);
});

test("SQL errors come back as the Data API words Postgres' errors", async () => {
  await rejects(sql("SELECT * FROM nope"), "DatabaseErrorException", 400, 'ERROR: relation "nope" does not exist\n  Position: 15; SQLState: 42P01');
  // A plain string binds as varchar, as on Aurora: a uuid column needs the UUID hint.
  await sql("CREATE TABLE refs (ref uuid)");
  await rejects(sql("INSERT INTO refs VALUES (:r)", [{ name: "r", value: { stringValue: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" } }]), "DatabaseErrorException", 400,
    /^ERROR: column "ref" is of type uuid but expression is of type character varying\n {2}Hint: You will need to rewrite or cast the expression\.\n {2}Position: \d+; SQLState: 42804$/);
  await rejects(sql("SELECT :missing"), "BadRequestException", 400, "No value specified for parameter 1.");
  await rejects(sql("SELECT :a", [{ name: "a", value: { arrayValue: { longValues: [1] } } }]), "BadRequestException", 400, "Array parameters are not supported.");
});

test("transactions: rollback discards, commit keeps, an unknown id is not found", async () => {
  await sql("CREATE TABLE ledger (entry text)");
  const t1 = (await rds.send(new BeginTransactionCommand(target()))).transactionId!;
  await sql("INSERT INTO ledger VALUES ('discarded')", undefined, { transactionId: t1 });
  assert.deepEqual((await rds.send(new RollbackTransactionCommand({ resourceArn: cluster, secretArn: secret, transactionId: t1 }))).transactionStatus, "Rollback Complete");
  const t2 = (await rds.send(new BeginTransactionCommand(target()))).transactionId!;
  await sql("INSERT INTO ledger VALUES ('kept')", undefined, { transactionId: t2 });
  // Outside the transaction the row is not there yet: that statement waits for the commit.
  const outside = sql("SELECT count(*)::int AS n FROM ledger");
  assert.equal((await rds.send(new CommitTransactionCommand({ resourceArn: cluster, secretArn: secret, transactionId: t2 }))).transactionStatus, "Transaction Committed");
  assert.deepEqual((await outside).records, [[{ longValue: 1 }]]);
  await rejects(rds.send(new CommitTransactionCommand({ resourceArn: cluster, secretArn: secret, transactionId: t2 })), "TransactionNotFoundException", 404, `Transaction ${t2} is not found`);
  await rejects(sql("SELECT 1", undefined, { transactionId: "nope" }), "TransactionNotFoundException", 404);
});

test("BatchExecuteStatement runs a statement per parameter set, all or nothing", async () => {
  await sql("CREATE TABLE tags (name text PRIMARY KEY)");
  const out = await rds.send(new BatchExecuteStatementCommand({ ...target(), sql: "INSERT INTO tags VALUES (:n)", parameterSets: [[{ name: "n", value: { stringValue: "a" } }], [{ name: "n", value: { stringValue: "b" } }]] }));
  assert.deepEqual(out.updateResults, [{ generatedFields: [] }, { generatedFields: [] }]);
  await rejects(
    rds.send(new BatchExecuteStatementCommand({ ...target(), sql: "INSERT INTO tags VALUES (:n)", parameterSets: [[{ name: "n", value: { stringValue: "c" } }], [{ name: "n", value: { stringValue: "a" } }]] })),
    "DatabaseErrorException", 400, /duplicate key value violates unique constraint "tags_pkey"/,
  );
  assert.deepEqual((await sql("SELECT name FROM tags ORDER BY name")).records, [[{ stringValue: "a" }], [{ stringValue: "b" }]]);
});

test("the deprecated ExecuteSql runs ;-separated statements", async () => {
  const out = await rds.send(new ExecuteSqlCommand({ dbClusterOrInstanceArn: cluster, awsSecretStoreArn: secret, database: "shop", sqlStatements: "CREATE TABLE legacy (n int); INSERT INTO legacy VALUES (7); SELECT n FROM legacy" }));
  assert.equal(out.sqlStatementResults!.length, 3);
  assert.equal(out.sqlStatementResults![1]!.numberOfRecordsUpdated, 1);
  assert.deepEqual(out.sqlStatementResults![2]!.resultFrame!.records, [{ values: [{ bigIntValue: 7 }] }]);
});

test("the cluster, its endpoint, the secret and the database are checked before any SQL", async () => {
  await rejects(rds.send(new ExecuteStatementCommand({ resourceArn: cluster.replace("shop-db", "other"), secretArn: secret, sql: "SELECT 1" })), "BadRequestException", 400, /^Invalid cluster arn/);
  await rejects(rds.send(new ExecuteStatementCommand({ resourceArn: closedCluster, secretArn: secret, sql: "SELECT 1" })), "HttpEndpointNotEnabledException", 400, /^HttpEndpoint is not enabled for cluster closed-db/);
  await rejects(rds.send(new ExecuteStatementCommand({ resourceArn: cluster, secretArn: `${secret.slice(0, -7)}-nothere`, sql: "SELECT 1" })), "SecretsErrorException", 400, /can't find the specified secret/);
  const wrong = await tc.cloud.secretsmanager.call("CreateSecret", { Name: "wrong", SecretString: JSON.stringify({ username: "postgres", password: "guess" }) });
  await rejects(rds.send(new ExecuteStatementCommand({ resourceArn: cluster, secretArn: wrong.ARN, sql: "SELECT 1" })), "DatabaseErrorException", 400, 'FATAL: password authentication failed for user "postgres"; SQLState: 28P01');
  await rejects(sql("SELECT 1", undefined, { database: "other" }), "DatabaseErrorException", 400, 'FATAL: database "other" does not exist; SQLState: 3D000');
  // No database: the cluster's DatabaseName.
  assert.deepEqual((await rds.send(new ExecuteStatementCommand({ resourceArn: cluster, secretArn: secret, sql: "SELECT current_database()" }))).records, [[{ stringValue: "shop" }]]);
});

test("IAM: rds-data actions on the cluster and reading the secret are both needed", async () => {
  const iam = new IAMClient(tc.clientConfig);
  const sts = new STSClient(tc.clientConfig);
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const as = async (name: string, statements: object[]) => {
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::000000000000:role/${name}`, RoleSessionName: "session" }));
    return new RDSDataClient({ ...tc.clientConfig, credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! } });
  };
  const none = await as("no-rds", [{ Effect: "Allow", Action: "s3:*", Resource: "*" }]);
  await rejects(none.send(new ExecuteStatementCommand({ ...target(), sql: "SELECT 1" })), "AccessDeniedException", 403, /is not authorized to perform: rds-data:ExecuteStatement on resource: arn:aws:rds:us-east-1:000000000000:cluster:shop-db/);
  const dataOnly = await as("data-only", [{ Effect: "Allow", Action: "rds-data:*", Resource: cluster }]);
  await rejects(dataOnly.send(new ExecuteStatementCommand({ ...target(), sql: "SELECT 1" })), "SecretsErrorException", 400, /not authorized to perform: secretsmanager:GetSecretValue/);
  const bound = await as("bound", [{ Effect: "Allow", Action: "rds-data:*", Resource: cluster }, { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `${secret.slice(0, -7)}*` }]);
  assert.deepEqual((await bound.send(new ExecuteStatementCommand({ ...target(), sql: "SELECT 1 AS one" }))).records, [[{ longValue: 1 }]]);
  for (const c of [none, dataOnly, bound]) c.destroy();
  iam.destroy();
  sts.destroy();
});

test("the AWS CLI's rds-data execute-statement", async (t) => {
  const aws = awsCli(tc.cloud.endpoint);
  if (!aws) return t.skip("no AWS CLI installed");
  const out = await aws("rds-data", "execute-statement", "--resource-arn", cluster, "--secret-arn", secret, "--database", "shop",
    "--sql", "SELECT :greeting AS greeting, 41 + 1 AS answer", "--parameters", JSON.stringify([{ name: "greeting", value: { stringValue: "hi" } }]), "--include-result-metadata");
  assert.deepEqual(out.records, [[{ stringValue: "hi" }, { longValue: 42 }]]);
  assert.deepEqual(out.columnMetadata.map((c: any) => c.name), ["greeting", "answer"]);
  const json = await aws("rds-data", "execute-statement", "--resource-arn", cluster, "--secret-arn", secret, "--sql", "SELECT 'x' AS v", "--format-records-as", "JSON");
  assert.deepEqual(JSON.parse(json.formattedRecords), [{ v: "x" }]);
});
