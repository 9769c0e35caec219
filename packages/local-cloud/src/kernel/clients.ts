/**
 * Typed in-process clients: how one service calls another, by the other's public
 * operations, with inputs typed by the other's published model. A call goes through the
 * same validation and IAM check as a request over the wire (as the admin unless a
 * context says otherwise).
 */
import type { JsonWebKey } from "node:crypto";
import type { CallContext, Service } from "../types.js";
import type { ServiceModel } from "../wire/model.js";
import type { TrustedInvokeInput } from "./trusted-json.js";
import type { InputOf, OperationName, OutputOf } from "../wire/model-types.js";
import type apigatewayv2 from "../wire/models/apigatewayv2.js";
import type cloudfront from "../wire/models/cloudfront.js";
import type cloudformation from "../wire/models/cloudformation.js";
import type codebuild from "../wire/models/codebuild.js";
import type dynamodb from "../wire/models/dynamodb.js";
import type dynamodbstreams from "../wire/models/dynamodbstreams.js";
import type events from "../wire/models/events.js";
import type iam from "../wire/models/iam.js";
import type lambda from "../wire/models/lambda.js";
import type logs from "../wire/models/logs.js";
import type s3 from "../wire/models/s3.js";
import type sns from "../wire/models/sns.js";
import type sqs from "../wire/models/sqs.js";
import type kinesis from "../wire/models/kinesis.js";
import type ssm from "../wire/models/ssm.js";
import type secretsmanager from "../wire/models/secretsmanager.js";
import type rdsdata from "../wire/models/rdsdata.js";
import type sts from "../wire/models/sts.js";
import type cognitoidp from "../wire/models/cognitoidp.js";
import type cognitoidentity from "../wire/models/cognitoidentity.js";
import type stepfunctions from "../wire/models/stepfunctions.js";

export interface ModelClient<M extends ServiceModel> {
  call<Op extends OperationName<M>>(operation: Op, input: InputOf<M, Op>, ctx?: Partial<CallContext>): Promise<OutputOf<M, Op>>;
}

/** The clients, by the name each service has on the cloud (`cloud.dynamodb`). */
export interface ServiceClients {
  iam: ModelClient<typeof iam>;
  sts: ModelClient<typeof sts>;
  ssm: ModelClient<typeof ssm>;
  logs: ModelClient<typeof logs>;
  dynamodb: ModelClient<typeof dynamodb> & ModelClient<typeof dynamodbstreams>;
  s3: ModelClient<typeof s3>;
  sqs: ModelClient<typeof sqs>;
  kinesis: ModelClient<typeof kinesis>;
  /** Lambda's model operations, and the local-only one CloudFormation ends a custom resource handler's environments with. */
  lambda: ModelClient<typeof lambda> & LocalReleaseEnvironmentsClient & LocalTrustedInvokeClient;
  sns: ModelClient<typeof sns>;
  eventbridge: ModelClient<typeof events>;
  apigateway: ModelClient<typeof apigatewayv2> & InProcessClient;
  /** AppSync has no wire model here: its operations are in-process only (services/appsync/management.ts). */
  appsync: InProcessClient;
  cloudformation: ModelClient<typeof cloudformation>;
  codebuild: ModelClient<typeof codebuild>;
  /** CloudFront's model operations, and the local-only one CloudFormation records origin paths with. */
  cloudfront: ModelClient<typeof cloudfront> & LocalOriginPathPrefixesClient;
  secretsmanager: ModelClient<typeof secretsmanager>;
  /** The Data API's model operations, and the local-only ones CloudFormation records clusters with (services/rdsdata). */
  rdsdata: ModelClient<typeof rdsdata> & InProcessClient;
  /** User pools' model operations, and the local-only one the JWT verifiers read a pool's keys with (services/cognito-idp). */
  cognitoidp: ModelClient<typeof cognitoidp> & LocalJsonWebKeysClient;
  cognitoidentity: ModelClient<typeof cognitoidentity>;
  stepfunctions: ModelClient<typeof stepfunctions>;
}

/** Local-only, in-process: a user pool's public signing keys (`{ keys: [] }` for a pool the cloud does not have). */
export interface LocalJsonWebKeysClient {
  call(operation: "LocalJsonWebKeys", input: { UserPoolId: string }, ctx?: Partial<CallContext>): Promise<{ keys: JsonWebKey[] }>;
}

/**
 * Local-only, in-process (no route reaches it): the path prefixes of a distribution's
 * origins that are the local cloud itself (services/cloudfront: setLocalOriginPathPrefixes).
 */
export interface LocalOriginPathPrefixesClient {
  call(operation: "SetLocalOriginPathPrefixes", input: { Id: string; Prefixes: Record<string, string> }, ctx?: Partial<CallContext>): Promise<Record<string, never>>;
}

/** In-process operations that are not in a wire model (REST API and AppSync resources CloudFormation makes). */
export interface InProcessClient {
  call(operation: string, input: Record<string, unknown>, ctx?: Partial<CallContext>): Promise<any>;
}

/**
 * Local-only, in-process (no route reaches it): ends the warm execution environments of
 * a function that ran for a deploy (services/lambda: RELEASE_ENVIRONMENTS).
 */
export interface LocalReleaseEnvironmentsClient {
  call(operation: "ReleaseExecutionEnvironments", input: { FunctionName: string }, ctx?: Partial<CallContext>): Promise<Record<string, never>>;
}

/** Local-only, in-process: a data plane's synchronous Invoke of an event it wrote (kernel/trusted-json.ts). */
export interface LocalTrustedInvokeClient {
  call(operation: "InvokeTrustedJson", input: TrustedInvokeInput, ctx?: Partial<CallContext>): Promise<{ StatusCode: number; Payload: Uint8Array; FunctionError?: string; ExecutedVersion?: string }>;
}

export type ClientName = keyof ServiceClients;

const CLIENT_NAMES: readonly ClientName[] = ["iam", "sts", "ssm", "logs", "dynamodb", "s3", "sqs", "kinesis", "lambda", "sns", "eventbridge", "apigateway", "appsync", "cloudfront", "cloudformation", "codebuild", "secretsmanager", "rdsdata", "cognitoidp", "cognitoidentity", "stepfunctions"];

/** Clients over whatever services `lookup` finds when a call is made (none: a clear error). */
export function createClients(lookup: (name: ClientName) => Pick<Service, "call"> | undefined): ServiceClients {
  const clients: Record<string, { call: Service["call"] }> = {};
  for (const name of CLIENT_NAMES) {
    clients[name] = {
      call: (operation, input, ctx) => {
        const service = lookup(name);
        if (!service) return Promise.reject(new Error(`the local cloud has no ${name} service`));
        return service.call(operation, input, ctx);
      },
    };
  }
  return clients as unknown as ServiceClients;
}
