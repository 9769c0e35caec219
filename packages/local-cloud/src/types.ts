/**
 * The contracts every part of the local cloud is written against.
 *
 * A request arrives at the one HTTP server, is authenticated (SigV4), routed to a
 * Service by its signing name, and the Service parses its own wire protocol (with the
 * shared helpers in server/protocols), runs an operation and serializes the answer.
 *
 * Every service also exposes its operations as plain functions in AWS API shape
 * (`call(operation, input)`), so the CloudFormation engine and other services can
 * drive it in-process without a round trip through HTTP.
 */
import type { Readable } from "node:stream";
import type { LocalCloud } from "./cloud.js";
import type { Kernel } from "./kernel/kernel.js";

export const ACCOUNT_ID = "000000000000";
export const DEFAULT_REGION = "us-east-1";
/** Admin credentials, as LocalStack uses them. */
export const ADMIN_ACCESS_KEY_ID = "test";
export const ADMIN_SECRET_ACCESS_KEY = "test";
/** The port `sst local` and `sst dev` try first. */
export const DEFAULT_PORT = 4570;

/** Who signed a request. */
export interface Principal {
  accessKeyId: string;
  /** `arn:aws:iam::000000000000:root` for the admin, `arn:aws:sts::000000000000:assumed-role/{role}/{session}` for a role session. */
  arn: string;
  /** The admin bypasses IAM evaluation. */
  admin: boolean;
  /** For a role session: the role whose policies are evaluated. */
  roleArn?: string;
  /** For a session a Cognito identity pool handed out: whose it is (API Gateway shows it as `cognitoIdentity`). */
  webIdentity?: WebIdentity;
}

/** The Cognito identity behind a role session. */
export interface WebIdentity {
  identityId: string;
  identityPoolId: string;
  /** "authenticated" and the login providers, or "unauthenticated". */
  amr: string[];
}

export interface AwsRequest {
  /** A fresh request id, echoed as x-amzn-RequestId / x-amz-request-id. */
  requestId: string;
  method: string;
  /** The raw (still percent-encoded) URL path, without the query string. */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased; repeated headers joined with ",". */
  headers: Record<string, string>;
  body: Buffer;
  /**
   * A large upload's body, still arriving (server/streamed-bodies.ts): `body` is then
   * empty. Only S3 receives one; it streams it to disk.
   */
  bodyStream?: Readable;
  /** SigV4 signing name, e.g. "dynamodb", "s3", "execute-api". */
  service: string;
  region: string;
  principal: Principal;
}

export interface AwsResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string | Readable;
}

/** Passed to in-process calls (`Service.call`) and to operation implementations. */
export interface CallContext {
  region: string;
  principal: Principal;
  requestId: string;
}

/** What a service takes without a signature (Service.unsigned). */
export interface UnsignedRequests {
  /** Whole X-Amz-Target values: "AWSCognitoIdentityService.GetId". */
  readonly targets?: readonly string[];
  /** Requests with no X-Amz-Target, by path. */
  readonly paths?: readonly UnsignedPath[];
}

/** Unsigned requests by path: found by their method and last path segment, then matched whole. */
export interface UnsignedPath {
  readonly method: string;
  /** The path's last segment ("jwks.json"): what the router looks the path up by. */
  readonly lastSegment: string;
  /** The whole path's form (`/<pool id>/.well-known/jwks.json`). */
  readonly pattern: RegExp;
}

export interface Service {
  /** SigV4 signing name the router sends to this service, e.g. "dynamodb". */
  readonly signingName: string;
  /** Serve one HTTP request (already authenticated). */
  handle(req: AwsRequest): Promise<AwsResponse>;
  /**
   * Run one operation in-process with AWS-API-shaped input and output (the shapes of
   * the AWS SDK v3 command input/output, PascalCase). Throws AwsError like the wire API.
   * Without `ctx` the call runs as the admin in the cloud's region.
   */
  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any>;
  /**
   * The requests the service takes unsigned, as AWS does for the operations users call
   * before they have credentials (Cognito's SignUp, InitiateAuth, GetId …) and for public
   * documents (a user pool's JWKS). Read once, when the service is registered: the server
   * finds an unsigned request's service with one lookup (server/unsigned-routes.ts).
   */
  readonly unsigned?: UnsignedRequests;
  /** Start background work (pollers, TTL sweeps). Called once the server listens. */
  start?(): void | Promise<void>;
  /** Stop background work and close stores. */
  close?(): void | Promise<void>;
}

/**
 * What a service is constructed with: the kernel (kernel/kernel.ts). `cloud` is the same
 * object typed as the whole LocalCloud, for services not yet moved onto the kernel.
 */
export interface ServiceDeps {
  kernel: Kernel;
  /** @deprecated depend on `kernel` */
  cloud: LocalCloud;
}
