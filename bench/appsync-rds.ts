/**
 * Benchmark: what an AppSync field resolved by an RDS data source costs, beside a field
 * of the same API resolved by a NONE data source (the baseline: the same HTTP, auth,
 * GraphQL and VTL work, no database), measured in the same run. The RDS fields select one
 * row by primary key through the local Data API as the data source's role: one with a
 * VTL template (`variableMap`, `$util.rds.toJsonObject`), one with APPSYNC_JS
 * (`@aws-appsync/utils/rds` `select`/`createPgStatement`/`toJsonObject`).
 *
 *   node --import tsx bench/appsync-rds.ts [rounds] [requests]
 *
 * Prints CPU µs per request of the whole process (median over `rounds`, default 5, of
 * `requests`, default 200, sequential requests each) and the ratio to the baseline.
 */
import { RDSDataClient, ExecuteStatementCommand } from "@aws-sdk/client-rds-data";
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { deployTestStack } from "../packages/local-cloud/src/cloudformation/resources/test-stack.js";
import { compareRequestCpu } from "./lib/request-cpu.js";

const rounds = Number(process.argv[2] ?? 5);
const requests = Number(process.argv[3] ?? 200);

const api = { "Fn::GetAtt": ["Api", "ApiId"] };
const assume = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "appsync.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const resolve = (k: string) => ({ "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: "Secret" }, `:SecretString:${k}::}}`]] });
const rdsConfig = { RdsHttpEndpointConfig: { AwsRegion: "us-east-1", AwsSecretStoreArn: { Ref: "Secret" }, DbClusterIdentifier: { "Fn::GetAtt": ["Cluster", "DBClusterArn"] }, DatabaseName: "bench" } };
const resolver = (field: string, ds: string, extra: Record<string, unknown>) => ({
  Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: "Query", FieldName: field, DataSourceName: { "Fn::GetAtt": [ds, "Name"] }, ...extra },
});

const template = {
  Resources: {
    Secret: { Type: "AWS::SecretsManager::Secret", Properties: { GenerateSecretString: { SecretStringTemplate: '{"username":"postgres"}', GenerateStringKey: "password", ExcludePunctuation: true } } },
    Cluster: { Type: "AWS::RDS::DBCluster", Properties: { Engine: "aurora-postgresql", EngineMode: "serverless", DatabaseName: "bench", EnableHttpEndpoint: true, MasterUsername: resolve("username"), MasterUserPassword: resolve("password") } },
    Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: assume, Policies: [{ PolicyName: "rds", PolicyDocument: { Version: "2012-10-17", Statement: [
      { Effect: "Allow", Action: "rds-data:ExecuteStatement", Resource: { "Fn::GetAtt": ["Cluster", "DBClusterArn"] } },
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: { Ref: "Secret" } },
    ] } }] } },
    Api: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "bench", AuthenticationType: "API_KEY" } },
    Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: api, Definition: "type Item { id: Int name: String } type Query { none(id: Int!): Item vtl(id: Int!): Item js(id: Int!): Item }" } },
    Key: { Type: "AWS::AppSync::ApiKey", Properties: { ApiId: api } },
    NoneDs: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "none", Type: "NONE" } },
    RdsDs: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "rds", Type: "RELATIONAL_DATABASE", ServiceRoleArn: { "Fn::GetAtt": ["Role", "Arn"] }, RelationalDatabaseConfig: rdsConfig } },
    None: resolver("none", "NoneDs", { RequestMappingTemplate: '{"version":"2017-02-28","payload":{"id":$ctx.args.id,"name":"item"}}', ResponseMappingTemplate: "$util.toJson($ctx.result)" }),
    Vtl: resolver("vtl", "RdsDs", {
      RequestMappingTemplate: '{"version":"2018-05-29","statements":["SELECT id, name FROM item WHERE id = :ID"],"variableMap":{":ID":$ctx.args.id}}',
      ResponseMappingTemplate: "$util.toJson($util.rds.toJsonObject($ctx.result)[0][0])",
    }),
    Js: resolver("js", "RdsDs", { Runtime: { Name: "APPSYNC_JS", RuntimeVersion: "1.0.0" }, Code: `
      import { select, createPgStatement, toJsonObject } from "@aws-appsync/utils/rds";
      export function request(ctx) { return createPgStatement(select({ table: "item", columns: ["id", "name"], where: { id: { eq: ctx.args.id } } })); }
      export function response(ctx) { return toJsonObject(ctx.result)[0][0]; }` }),
  },
  Outputs: { Url: { Value: { "Fn::GetAtt": ["Api", "GraphQLUrl"] } }, Key: { Value: { "Fn::GetAtt": ["Key", "ApiKey"] } }, Cluster: { Value: { "Fn::GetAtt": ["Cluster", "DBClusterArn"] } }, Secret: { Value: { Ref: "Secret" } } },
};

const tc = await startTestCloud();
try {
  const { outputs } = await deployTestStack(tc.cloud, "bench", template);
  const rds = new RDSDataClient(tc.clientConfig);
  await rds.send(new ExecuteStatementCommand({ resourceArn: outputs.Cluster, secretArn: outputs.Secret, database: "bench", sql: "CREATE TABLE item (id int PRIMARY KEY, name text); INSERT INTO item VALUES (7, 'item')" }));
  rds.destroy();
  const query = (field: string) => () =>
    fetch(outputs.Url!, { method: "POST", headers: { "content-type": "application/json", "x-api-key": outputs.Key! }, body: JSON.stringify({ query: `{ ${field}(id: 7) { id name } }` }) });
  await compareRequestCpu(
    { "AppSync NONE data source [baseline]": query("none"), "AppSync RDS data source, VTL": query("vtl"), "AppSync RDS data source, APPSYNC_JS": query("js") },
    {
      rounds, requests, warmup: 30,
      check: (name, status, text) => {
        if (status !== 200 || !text.includes('"name":"item"')) throw new Error(`${name}: ${status} ${text}`);
      },
    },
  );
} finally {
  await tc.stop();
}
