/**
 * AppSync RELATIONAL_DATABASE data sources over the local RDS Data API, deployed from
 * CloudFormation as CDK writes them (RdsHttpEndpointConfig, the secret, a service role):
 * VTL resolvers (`variableMap`, `$util.rds.toJsonString`/`toJsonObject`), APPSYNC_JS
 * resolvers with `@aws-appsync/utils/rds` (`sql`, `createPgStatement`, `select`, `insert`,
 * `update`, `remove`, `typeHint`, `toJsonObject`), the data source's role enforced by IAM,
 * SQL errors, and the rows really in Postgres.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { RDSDataClient, ExecuteStatementCommand } from "@aws-sdk/client-rds-data";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";

let tc: TestCloud;
let url = "";
let key = "";
let cluster = "";
let secret = "";

const api = { "Fn::GetAtt": ["Api", "ApiId"] };
const assume = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "appsync.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const resolve = (k: string) => ({ "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: "Secret" }, `:SecretString:${k}::}}`]] });
const rdsConfig = { RelationalDatabaseSourceType: "RDS_HTTP_ENDPOINT", RdsHttpEndpointConfig: { AwsRegion: "us-east-1", AwsSecretStoreArn: { Ref: "Secret" }, DbClusterIdentifier: { "Fn::GetAtt": ["Cluster", "DBClusterArn"] }, DatabaseName: "zoo" } };

const SCHEMA = `
type Pet { id: Int! name: String! kind: String tag: String }
type Query { pets: [Pet] pet(id: Int!): Pet search(prefix: String!): [String] denied: [Pet] broken: [Pet] }
type Mutation { addPet(name: String!, kind: String): Pet renamePet(id: Int!, name: String!): Pet deletePet(id: Int!): Pet tagPet(id: Int!, tag: String!): Pet }
schema { query: Query mutation: Mutation }
`;

const vtl = (ds: string, field: string, type: string, request: string, response: string) => ({
  Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"],
  Properties: { ApiId: api, TypeName: type, FieldName: field, DataSourceName: { "Fn::GetAtt": [ds, "Name"] }, RequestMappingTemplate: request, ResponseMappingTemplate: response },
});
const js = (field: string, type: string, code: string) => ({
  Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"],
  Properties: { ApiId: api, TypeName: type, FieldName: field, DataSourceName: { "Fn::GetAtt": ["RdsDs", "Name"] }, Runtime: { Name: "APPSYNC_JS", RuntimeVersion: "1.0.0" }, Code: code },
});

const template = {
  Resources: {
    Secret: { Type: "AWS::SecretsManager::Secret", Properties: { GenerateSecretString: { SecretStringTemplate: '{"username":"admin"}', GenerateStringKey: "password", ExcludePunctuation: true } } },
    Cluster: { Type: "AWS::RDS::DBCluster", Properties: { Engine: "aurora-postgresql", EngineMode: "serverless", DatabaseName: "zoo", EnableHttpEndpoint: true, MasterUsername: resolve("username"), MasterUserPassword: resolve("password") } },
    DsRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: assume } },
    // What CDK's RdsDataSource grants its role.
    DsPolicy: { Type: "AWS::IAM::Policy", Properties: { PolicyName: "rds", Roles: [{ Ref: "DsRole" }], PolicyDocument: { Version: "2012-10-17", Statement: [
      { Effect: "Allow", Action: ["rds-data:BatchExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction", "rds-data:ExecuteStatement", "rds-data:RollbackTransaction"], Resource: [{ "Fn::GetAtt": ["Cluster", "DBClusterArn"] }, { "Fn::Join": ["", [{ "Fn::GetAtt": ["Cluster", "DBClusterArn"] }, ":*"]] }] },
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: { Ref: "Secret" } },
    ] } } },
    BareRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: assume } },
    Api: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "zoo", AuthenticationType: "API_KEY" } },
    Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: api, Definition: SCHEMA } },
    Key: { Type: "AWS::AppSync::ApiKey", Properties: { ApiId: api } },
    RdsDs: { Type: "AWS::AppSync::DataSource", DependsOn: ["DsPolicy"], Properties: { ApiId: api, Name: "zoo", Type: "RELATIONAL_DATABASE", ServiceRoleArn: { "Fn::GetAtt": ["DsRole", "Arn"] }, RelationalDatabaseConfig: rdsConfig } },
    BareDs: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "bare", Type: "RELATIONAL_DATABASE", ServiceRoleArn: { "Fn::GetAtt": ["BareRole", "Arn"] }, RelationalDatabaseConfig: rdsConfig } },
    AddPet: vtl("RdsDs", "addPet", "Mutation",
      `{ "version": "2018-05-29", "statements": ["INSERT INTO pets (name, kind) VALUES (:NAME, :KIND) RETURNING *"], "variableMap": { ":NAME": $util.toJson($ctx.args.name), ":KIND": $util.toJson($ctx.args.kind) } }`,
      `#if($ctx.error) $util.error($ctx.error.message, $ctx.error.type) #end $util.toJson($util.rds.toJsonObject($ctx.result)[0][0])`),
    Pets: vtl("RdsDs", "pets", "Query",
      `{ "version": "2018-05-29", "statements": ["SELECT id, name, kind, tag FROM pets ORDER BY id", "SELECT count(*) AS n FROM pets"] }`,
      `$util.toJson($util.parseJson($util.rds.toJsonString($ctx.result))[0])`),
    Denied: vtl("BareDs", "denied", "Query", `{ "version": "2018-05-29", "statements": ["SELECT * FROM pets"] }`, `$util.toJson($util.rds.toJsonObject($ctx.result)[0])`),
    Broken: vtl("RdsDs", "broken", "Query", `{ "version": "2018-05-29", "statements": ["SELECT * FROM nope"] }`, `$util.toJson($util.rds.toJsonObject($ctx.result)[0])`),
    Pet: js("pet", "Query", `
      import { select, createPgStatement, toJsonObject } from "@aws-appsync/utils/rds";
      export function request(ctx) {
        return createPgStatement(select({ table: "pets", columns: ["id", "name", "kind"], where: { id: { eq: ctx.args.id } }, limit: 1 }));
      }
      export function response(ctx) { return toJsonObject(ctx.result)[0][0]; }`),
    Search: js("search", "Query", `
      import { sql, createPgStatement, toJsonObject } from "@aws-appsync/utils/rds";
      export function request(ctx) {
        const pattern = ctx.args.prefix + "%";
        return createPgStatement(sql\`SELECT name FROM pets WHERE name LIKE \${pattern} ORDER BY name\`);
      }
      export function response(ctx) { return toJsonObject(ctx.result)[0].map((r) => r.name); }`),
    Rename: js("renamePet", "Mutation", `
      import { util } from "@aws-appsync/utils";
      import { update, createPgStatement, toJsonObject } from "@aws-appsync/utils/rds";
      export function request(ctx) {
        return createPgStatement(update({ table: "pets", values: { name: ctx.args.name }, where: { id: { eq: ctx.args.id } }, returning: "*" }));
      }
      export function response(ctx) {
        if (ctx.error) util.error(ctx.error.message, ctx.error.type);
        return toJsonObject(ctx.result)[0][0];
      }`),
    Delete: js("deletePet", "Mutation", `
      import { remove, createPgStatement, toJsonObject } from "@aws-appsync/utils/rds";
      export function request(ctx) { return createPgStatement(remove({ table: "pets", where: { id: { eq: ctx.args.id } }, returning: ["id", "name"] })); }
      export function response(ctx) { return toJsonObject(ctx.result)[0][0]; }`),
    Tag: js("tagPet", "Mutation", `
      import { util } from "@aws-appsync/utils";
      import { insert, update, sql, typeHint, createPgStatement, toJsonObject } from "@aws-appsync/utils/rds";
      export function request(ctx) {
        return createPgStatement(
          update({ table: "pets", values: { tag: typeHint.UUID(ctx.args.tag) }, where: { id: { eq: ctx.args.id } } }),
          sql\`SELECT id, name, tag::text AS tag FROM pets WHERE id = \${ctx.args.id}\`,
        );
      }
      export function response(ctx) {
        if (ctx.error) util.error(ctx.error.message, ctx.error.type);
        return toJsonObject(ctx.result)[1][0];
      }`),
  },
  Outputs: {
    Url: { Value: { "Fn::GetAtt": ["Api", "GraphQLUrl"] } }, Key: { Value: { "Fn::GetAtt": ["Key", "ApiKey"] } },
    Cluster: { Value: { "Fn::GetAtt": ["Cluster", "DBClusterArn"] } }, Secret: { Value: { Ref: "Secret" } },
  },
};

const gql = async (query: string, variables?: unknown) => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-api-key": key }, body: JSON.stringify({ query, variables }) });
  assert.equal(res.status, 200);
  return (await res.json()) as { data: any; errors?: { message: string; errorType: string; path?: unknown[] }[] };
};

let rds: RDSDataClient;
const admin = (sql: string) => rds.send(new ExecuteStatementCommand({ resourceArn: cluster, secretArn: secret, database: "zoo", sql, formatRecordsAs: "JSON" }));

before(async () => {
  tc = await startTestCloud();
  const { outputs } = await deployTestStack(tc.cloud, "zoo", template);
  ({ Url: url, Key: key, Cluster: cluster, Secret: secret } = outputs as Record<string, string>);
  rds = new RDSDataClient(tc.clientConfig);
  await admin("CREATE TABLE pets (id serial PRIMARY KEY, name text NOT NULL, kind text, tag uuid)");
});
after(async () => {
  rds?.destroy();
  await tc?.stop();
});

test("VTL: an insert with variableMap parameters, and two statements read back through $util.rds", { timeout: 60_000 }, async () => {
  const added = await gql(`mutation { a: addPet(name: "Rex", kind: "dog") { id name kind } }`);
  assert.equal(added.errors, undefined, JSON.stringify(added.errors));
  assert.deepEqual(added.data.a, { id: 1, name: "Rex", kind: "dog" });
  // A quote in a value stays a value: it is a parameter, not SQL text.
  const second = await gql(`mutation ($n: String!) { addPet(name: $n) { id name kind } }`, { n: "Tom's cat'); DROP TABLE pets; --" });
  assert.deepEqual(second.data.addPet, { id: 2, name: "Tom's cat'); DROP TABLE pets; --", kind: null });
  const pets = await gql("{ pets { id name kind } }");
  assert.deepEqual(pets.data.pets.map((p: any) => p.name), ["Rex", "Tom's cat'); DROP TABLE pets; --"]);
  const rows = JSON.parse((await admin("SELECT name, kind FROM pets ORDER BY id")).formattedRecords!);
  assert.deepEqual(rows[0], { name: "Rex", kind: "dog" }, "the row is in Postgres");
});

test("APPSYNC_JS: select, the sql tag, update and remove from @aws-appsync/utils/rds", { timeout: 60_000 }, async () => {
  await gql(`mutation { addPet(name: "Rover", kind: "dog") { id } }`);
  const one = await gql("{ pet(id: 1) { id name kind } }");
  assert.equal(one.errors, undefined, JSON.stringify(one.errors));
  assert.deepEqual(one.data.pet, { id: 1, name: "Rex", kind: "dog" });
  assert.deepEqual((await gql("{ pet(id: 99) { id } }")).data.pet, null);
  assert.deepEqual((await gql(`{ search(prefix: "R") }`)).data.search, ["Rex", "Rover"]);

  const renamed = await gql(`mutation { renamePet(id: 1, name: "Max") { id name kind } }`);
  assert.equal(renamed.errors, undefined, JSON.stringify(renamed.errors));
  assert.deepEqual(renamed.data.renamePet, { id: 1, name: "Max", kind: "dog" });
  const removed = await gql(`mutation { deletePet(id: 3) { id name } }`);
  assert.deepEqual(removed.data.deletePet, { id: 3, name: "Rover" });
  assert.deepEqual(JSON.parse((await admin("SELECT id, name FROM pets ORDER BY id")).formattedRecords!).map((r: any) => r.name), ["Max", "Tom's cat'); DROP TABLE pets; --"]);
});

test("APPSYNC_JS: two statements, and a typeHint that casts the value (uuid)", { timeout: 60_000 }, async () => {
  const tag = "6f1b6a8e-3c1a-4c61-9d5e-5b2a1d9c0e11";
  const tagged = await gql(`mutation ($t: String!) { tagPet(id: 1, tag: $t) { id name tag } }`, { t: tag });
  assert.equal(tagged.errors, undefined, JSON.stringify(tagged.errors));
  assert.deepEqual(tagged.data.tagPet, { id: 1, name: "Max", tag });
  // Not a uuid: Postgres refuses the cast, and the response handler reports the data source's error.
  const bad = await gql(`mutation { tagPet(id: 1, tag: "not-a-uuid") { id } }`);
  assert.equal(bad.data.tagPet, null);
  assert.match(bad.errors![0]!.message, /invalid input syntax for type uuid/);
  assert.equal(bad.errors![0]!.errorType, "RDSHttp:DatabaseErrorException");
});

test("the data source's role is enforced; a SQL error is the field's error", { timeout: 60_000 }, async () => {
  const denied = await gql("{ denied { id } }");
  assert.equal(denied.data.denied, null);
  assert.equal(denied.errors![0]!.errorType, "RDSHttp:AccessDeniedException");
  assert.match(denied.errors![0]!.message, /is not authorized to perform: rds-data:ExecuteStatement/);
  const broken = await gql("{ broken { id } }");
  assert.equal(broken.data.broken, null);
  assert.equal(broken.errors![0]!.errorType, "RDSHttp:DatabaseErrorException");
  assert.match(broken.errors![0]!.message, /relation "nope" does not exist/);
});
