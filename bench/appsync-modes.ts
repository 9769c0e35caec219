/**
 * Benchmark: what AppSync's authorization modes and resolver kinds cost per request,
 * beside an API-key request to a VTL resolver on a NONE data source, measured in the same run.
 *
 *   node --import tsx bench/appsync-modes.ts [rounds] [requests]
 *
 * One local cloud in this process, one API (API_KEY default; AWS_IAM, OPENID_CONNECT and
 * AWS_LAMBDA additional). Targets: the baseline; the same field signed with SigV4 (signed
 * once and replayed, so the client's signing is not counted); with an OIDC token of a local
 * issuer (its JWKS cached after the first request); with a Lambda authorizer's token (its
 * answer cached for the TTL); an APPSYNC_JS resolver (QuickJS); a VTL pipeline of two
 * functions. Each round sends `requests` (default 200) sequential keep-alive requests to
 * each, and reports CPU µs per request of the whole process tree, median over `rounds`
 * (default 3), and the ratio to the baseline.
 */
import http from "node:http";
import { generateKeyPairSync, sign } from "node:crypto";
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { deployTestStack } from "../packages/local-cloud/src/cloudformation/resources/test-stack.js";
import { sendSigned } from "../packages/local-cloud/src/test-signing.js";
import { compareRequestCpu } from "./lib/request-cpu.js";

const rounds = Number(process.argv[2] ?? 3);
const requests = Number(process.argv[3] ?? 200);

const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const issuer = http.createServer((req, res) => {
  res.setHeader("content-type", "application/json");
  if (req.url === "/.well-known/openid-configuration") return res.end(JSON.stringify({ jwks_uri: `${issuerUrl}/jwks` }));
  res.end(JSON.stringify({ keys: [{ ...keys.publicKey.export({ format: "jwk" }), kid: "k", alg: "RS256" }] }));
});
await new Promise<void>((r) => issuer.listen(0, "127.0.0.1", r));
const issuerUrl = `http://127.0.0.1:${(issuer.address() as { port: number }).port}`;
const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const input = `${part({ alg: "RS256", kid: "k" })}.${part({ iss: issuerUrl, sub: "u", aud: "c", exp: Math.floor(Date.now() / 1000) + 3600 })}`;
const token = `${input}.${sign("sha256", Buffer.from(input), keys.privateKey).toString("base64url")}`;

const api = { "Fn::GetAtt": ["Api", "ApiId"] };
const none = (field: string, extra: Record<string, unknown>) => ({ Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: "Query", FieldName: field, ...extra } });
const template = {
  Resources: {
    Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } } },
    Authorizer: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: "exports.handler = async () => ({ isAuthorized: true, resolverContext: { a: '1' } })" } } },
    Api: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "bench", AuthenticationType: "API_KEY", AdditionalAuthenticationProviders: [
      { AuthenticationType: "AWS_IAM" },
      { AuthenticationType: "OPENID_CONNECT", OpenIDConnectConfig: { Issuer: issuerUrl, ClientId: "c" } },
      { AuthenticationType: "AWS_LAMBDA", LambdaAuthorizerConfig: { AuthorizerUri: { "Fn::GetAtt": ["Authorizer", "Arn"] }, AuthorizerResultTtlInSeconds: 300 } },
    ] } },
    Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: api, Definition: "type Query @aws_api_key @aws_iam @aws_oidc @aws_lambda { vtl(id: ID!): String js(id: ID!): String pipe(id: ID!): String }" } },
    Key: { Type: "AWS::AppSync::ApiKey", Properties: { ApiId: api } },
    None: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "none", Type: "NONE" } },
    Vtl: none("vtl", { DataSourceName: { "Fn::GetAtt": ["None", "Name"] }, RequestMappingTemplate: '{"version":"2017-02-28","payload":"$ctx.args.id"}', ResponseMappingTemplate: "$util.toJson($ctx.result)" }),
    Js: none("js", { DataSourceName: { "Fn::GetAtt": ["None", "Name"] }, Runtime: { Name: "APPSYNC_JS", RuntimeVersion: "1.0.0" },
      Code: "export const request = (ctx) => ({ payload: ctx.args.id }); export const response = (ctx) => ctx.result;" }),
    F1: { Type: "AWS::AppSync::FunctionConfiguration", Properties: { ApiId: api, Name: "f1", DataSourceName: { "Fn::GetAtt": ["None", "Name"] }, FunctionVersion: "2018-05-29",
      RequestMappingTemplate: '{"version":"2018-05-29","payload":"$ctx.args.id"}', ResponseMappingTemplate: "$util.toJson($ctx.result)" } },
    F2: { Type: "AWS::AppSync::FunctionConfiguration", Properties: { ApiId: api, Name: "f2", DataSourceName: { "Fn::GetAtt": ["None", "Name"] }, FunctionVersion: "2018-05-29",
      RequestMappingTemplate: '{"version":"2018-05-29","payload":$util.toJson($ctx.prev.result)}', ResponseMappingTemplate: "$util.toJson($ctx.result)" } },
    Pipe: none("pipe", { Kind: "PIPELINE", PipelineConfig: { Functions: [{ "Fn::GetAtt": ["F1", "FunctionId"] }, { "Fn::GetAtt": ["F2", "FunctionId"] }] }, RequestMappingTemplate: "{}", ResponseMappingTemplate: "$util.toJson($ctx.prev.result)" }),
  },
  Outputs: { Url: { Value: { "Fn::GetAtt": ["Api", "GraphQLUrl"] } }, Key: { Value: { "Fn::GetAtt": ["Key", "ApiKey"] } } },
};

const tc = await startTestCloud();
try {
  const { outputs } = await deployTestStack(tc.cloud, "bench", template);
  const url: string = outputs.Url;
  const body = (field: string) => JSON.stringify({ query: `{ ${field}(id: "7") }` });
  const post = (field: string, headers: Record<string, string>) => () => fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: body(field) });
  // Signed once, replayed: the server's verification is what is measured.
  const signedOnce = await (async () => {
    let captured: Record<string, string> = {};
    const path = new URL(url).pathname;
    const probe = http.createServer((req, res) => { captured = req.headers as Record<string, string>; res.end(); });
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as { port: number }).port;
    await sendSigned({ endpoint: `http://127.0.0.1:${port}`, host: new URL(url).host, service: "appsync", path, headers: { "content-type": "application/json" }, body: body("vtl") });
    probe.close();
    const { host: _host, connection: _c, "content-length": _l, ...rest } = captured;
    return rest;
  })();
  const targets: Record<string, () => Promise<Response>> = {
    "API key, VTL on NONE [baseline]": post("vtl", { "x-api-key": outputs.Key }),
    "AWS_IAM (SigV4 verified), VTL": post("vtl", signedOnce),
    "OPENID_CONNECT (JWT, JWKS cached), VTL": post("vtl", { authorization: token }),
    "AWS_LAMBDA (answer cached), VTL": post("vtl", { authorization: "lambda-token" }),
    "API key, APPSYNC_JS on NONE": post("js", { "x-api-key": outputs.Key }),
    "API key, VTL pipeline of 2 functions": post("pipe", { "x-api-key": outputs.Key }),
  };
  await compareRequestCpu(targets, {
    rounds, requests, warmup: 30,
    check: (name, status, text) => {
      if (status !== 200 || !text.includes('"7"')) throw new Error(`${name}: ${status} ${text}`);
    },
  });
} finally {
  await tc.stop();
  issuer.close();
}
