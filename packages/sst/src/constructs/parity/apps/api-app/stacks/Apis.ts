import { Api, Function, Table, WebSocketApi, StackContext, use } from "sst/constructs";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { HttpIntegrationSubtype, ParameterMapping, MappingValue } from "aws-cdk-lib/aws-apigatewayv2";
import { Auth } from "./Auth";

export function Apis({ stack, app }: StackContext) {
  const { authorizer, auth } = use(Auth);
  const notes = new Table(stack, "Notes", {
    fields: { noteId: "string" },
    primaryIndex: { partitionKey: "noteId" },
  });

  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, "Zone", {
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    zoneName: "example.com",
  });

  const raw = new lambda.Function(stack, "RawHandler", {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: "index.handler",
    code: lambda.Code.fromInline("exports.handler = async () => ({ statusCode: 200, body: 'raw' });"),
  });

  const api = new Api(stack, "Api", {
    customDomain: { domainName: `${app.stage}.api.example.com`, cdk: { hostedZone }, path: "v1" },
    accessLog: { retention: "one_week" },
    authorizers: {
      jwt: { type: "jwt", jwt: { issuer: "https://issuer.example.com", audience: ["notes"] } },
      pool: { type: "user_pool", userPool: { id: auth.userPoolId, clientIds: [auth.userPoolClientId] } },
      custom: { type: "lambda", function: authorizer, responseTypes: ["simple"], resultsCacheTtl: "30 seconds" },
    },
    defaults: {
      function: { bind: [notes], timeout: 20, environment: { STAGE: app.stage } },
      authorizer: "jwt",
      authorizationScopes: ["notes/read"],
      throttle: { burst: 100, rate: 50 },
    },
    routes: {
      "GET /notes": "packages/functions/src/list.main",
      "GET /notes/{id}": { function: "packages/functions/src/get.main", authorizer: "pool" },
      "POST /notes": { function: { handler: "packages/functions/src/create.main", memorySize: "512 MB" }, authorizer: "custom" },
      "PUT    /notes/{id}": { function: "packages/functions/src/update.main", payloadFormatVersion: "1.0", authorizer: "iam" },
      "DELETE /notes/{id}": { function: "packages/functions/src/delete.main", authorizer: "none" },
      "GET /docs/{proxy+}": { type: "url", url: "https://docs.example.com/{proxy}", authorizer: "none" },
      "POST /events": {
        type: "aws",
        authorizer: "none",
        cdk: {
          integration: {
            subtype: HttpIntegrationSubtype.EVENTBRIDGE_PUT_EVENTS,
            parameterMapping: ParameterMapping.fromObject({
              Source: MappingValue.custom("notes"),
              DetailType: MappingValue.custom("note.created"),
              Detail: MappingValue.custom("$request.body"),
            }),
          },
        },
      },
      "POST /graphql": { type: "graphql", function: "packages/functions/src/graphql.handler", authorizer: "none" },
      "GET /raw": { cdk: { function: raw }, authorizer: "none" },
      $default: { function: "packages/functions/src/fallback.main", authorizer: "none" },
    },
  });
  api.attachPermissionsToRoute("GET /notes", ["s3"]);
  api.bindToRoute("POST /notes", [authorizer]);
  api.setCors({ allowOrigins: ["https://app.example.com"], allowMethods: ["GET", "POST"], allowCredentials: true, maxAge: "1 day" });

  // A second API with the same route key: its functions and parameters must not collide.
  const admin = new Api(stack, "AdminApi", {
    cors: false,
    accessLog: false,
    routes: { "GET /notes": "packages/functions/src/list.main" },
  });
  admin.attachPermissions([api]);
  // Signed-in users may call the API (a policy in this stack, on the Auth stack's role).
  auth.attachPermissionsForAuthUsers(stack, [api]);

  // The string form looks the hosted zone up (cdk.context.json holds the answer).
  const public_ = new Api(stack, "PublicApi", {
    customDomain: "public.example.com",
    routes: { "GET /": "packages/functions/src/list.main" },
  });

  // SST v2's websocket example, with a Lambda authorizer on $connect.
  const chat = new WebSocketApi(stack, "Chat", {
    defaults: { function: { bind: [notes] } },
    authorizer: { type: "lambda", function: authorizer, identitySource: ["route.request.querystring.token"] },
    routes: {
      $connect: "packages/functions/src/list.main",
      $disconnect: "packages/functions/src/delete.main",
      sendmessage: { function: "packages/functions/src/create.main", returnResponse: true },
    },
  });
  admin.attachPermissions([chat]);

  const streamer = new Function(stack, "Streamer", {
    handler: "packages/functions/src/stream.handler",
    url: { authorizer: "iam", streaming: true, cors: { allowOrigins: ["https://app.example.com"], allowMethods: ["GET"] } },
  });

  // Output keys equal to construct ids.
  stack.addOutputs({
    Api: api.url,
    ApiCustomDomain: api.customDomainUrl,
    AdminApi: admin.url,
    Chat: chat.url,
    PublicApi: public_.customDomainUrl,
    Streamer: streamer.url,
    "Notes-Table": notes.tableName,
  });
}
