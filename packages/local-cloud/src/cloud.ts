/**
 * LocalCloud: one process on 127.0.0.1 serving the AWS APIs, with durable state under
 * `dir`. It owns the services (one folder each under services/, listed in
 * services/registry.ts), the HTTP server, and the IAM check every service calls
 * before it acts for a non-admin principal.
 */
import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import Database from "better-sqlite3";
import { AwsError } from "./server/aws-error.js";
import { fileInUse } from "./file-in-use.js";
import { StateIntegrity } from "./state-integrity.js";
import { createHttpServer, type Http1Server, type RequestDispatcher } from "./server/http-server.js";
import { allowedHostsFromEnv, sentByWebPage } from "./server/web-origin.js";
import { UnsignedRoutes } from "./server/unsigned-routes.js";
import { serviceClasses, type ServiceProp } from "./services/registry.js";
import { ADMIN_PRINCIPAL } from "./kernel/admin.js";
import { createClients, type ServiceClients } from "./kernel/clients.js";
import { CloudEvents } from "./kernel/events.js";
import { NO_IAM, type IamPort } from "./kernel/iam-port.js";
import type { Kernel } from "./kernel/kernel.js";
import {
  ACCOUNT_ID,
  ADMIN_ACCESS_KEY_ID,
  ADMIN_SECRET_ACCESS_KEY,
  DEFAULT_PORT,
  DEFAULT_REGION,
  type AwsRequest,
  type AwsResponse,
  type CallContext,
  type Service,
} from "./types.js";
import type { IamService } from "./services/iam/index.js";
import type { StsService } from "./services/sts/index.js";
import type { SsmService } from "./services/ssm/index.js";
import type { LogsService } from "./services/logs/index.js";
import type { DynamoDbService } from "./services/dynamodb/index.js";
import type { KinesisService } from "./services/kinesis/index.js";
import type { S3Service } from "./services/s3/index.js";
import type { SqsService } from "./services/sqs/index.js";
import type { LambdaService } from "./services/lambda/index.js";
import type { ApiGatewayV2Service } from "./services/apigatewayv2/index.js";
import type { CloudFormationService } from "./services/cloudformation/index.js";
import type { AppSyncService } from "./services/appsync/index.js";
import type { SnsService } from "./services/sns/index.js";
import type { EventBridgeService } from "./services/events/index.js";
import type { CodeBuildService } from "./services/codebuild/index.js";
import { distributionIdFromHost, type CloudFrontService } from "./services/cloudfront/index.js";
import type { SecretsManagerService } from "./services/secretsmanager/index.js";
import type { RdsDataService } from "./services/rdsdata/index.js";
import type { CognitoIdpService } from "./services/cognito-idp/index.js";
import type { CognitoIdentityService } from "./services/cognito-identity/index.js";
import type { StepFunctionsService } from "./services/stepfunctions/index.js";

export interface LocalCloudOptions {
  /** Where state lives (SQLite files, object bodies, function code). Created if missing. */
  dir: string;
  /** 0 picks a free port. @default DEFAULT_PORT (4570) */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** @default "us-east-1" */
  region?: string;
  /**
   * Host names to answer besides 127.0.0.1, localhost, *.localhost and [::1]; any other
   * Host is refused (DNS rebinding). @default the comma-separated SST_LOCAL_ALLOWED_HOSTS
   */
  allowedHosts?: readonly string[];
  /** How long a request head may take to arrive (slow clients). @default 60 s */
  headersTimeoutMs?: number;
  /** How long a whole request may take to arrive. @default 300 s */
  requestTimeoutMs?: number;
}

export { ADMIN_PRINCIPAL };

export class LocalCloud implements RequestDispatcher, Kernel {
  readonly dir: string;
  readonly region: string;
  readonly host: string;
  readonly accountId = ACCOUNT_ID;
  /** Observability for sst dev and the Console: lambda:*, ssm:changed, apigateway:request … */
  readonly events = new CloudEvents();
  /** Typed in-process clients of the services, for services calling each other. */
  readonly clients: ServiceClients = createClients((name) => this.service(name));
  /** IAM beyond authorize(): policy decisions, sessions, roles (the IAM service, when it runs). */
  readonly identity: IamPort = {
    evaluate: (principal, action, resource, conditions) => (this.iam ?? NO_IAM).evaluate(principal, action, resource, conditions),
    issueSessionCredentials: (roleArn, sessionName, duration, webIdentity) => (this.iam ?? NO_IAM).issueSessionCredentials(roleArn, sessionName, duration, webIdentity),
    role: (roleArn) => (this.iam ?? NO_IAM).role(roleArn),
    lookupAccessKey: (accessKeyId) => (this.iam ?? NO_IAM).lookupAccessKey(accessKeyId),
  };
  port = 0;

  declare readonly iam: IamService;
  declare readonly sts: StsService;
  declare readonly ssm: SsmService;
  declare readonly logs: LogsService;
  declare readonly dynamodb: DynamoDbService;
  declare readonly s3: S3Service;
  declare readonly sqs: SqsService;
  declare readonly kinesis: KinesisService;
  declare readonly lambda: LambdaService;
  declare readonly apigateway: ApiGatewayV2Service;
  declare readonly appsync: AppSyncService;
  declare readonly cloudformation: CloudFormationService;
  declare readonly sns: SnsService;
  /** EventBridge. (Not to be confused with `events`, the observability emitter.) */
  declare readonly eventbridge: EventBridgeService;
  declare readonly codebuild: CodeBuildService;
  declare readonly cloudfront: CloudFrontService;
  declare readonly secretsmanager: SecretsManagerService;
  /** The RDS Data API (its Postgres loads on a cluster's first statement). */
  declare readonly rdsdata: RdsDataService;
  /** Cognito user pools. */
  declare readonly cognitoidp: CognitoIdpService;
  /** Cognito identity pools. */
  declare readonly cognitoidentity: CognitoIdentityService;
  /** Step Functions. */
  declare readonly stepfunctions: StepFunctionsService;

  private readonly bySigningName = new Map<string, Service>();
  /** What each service takes unsigned, gathered as the services are registered. */
  private readonly unsignedRoutes = new UnsignedRoutes();
  private readonly allowedHosts: readonly string[];
  private readonly timeouts: { headersTimeoutMs?: number; requestTimeoutMs?: number };
  private readonly started: Service[] = [];
  private readonly databases = new Map<string, Database.Database>();
  private server?: Http1Server;
  private integrity!: StateIntegrity;

  private constructor(opts: LocalCloudOptions) {
    this.dir = path.resolve(opts.dir);
    this.region = opts.region ?? DEFAULT_REGION;
    this.host = opts.host ?? "127.0.0.1";
    this.allowedHosts = opts.allowedHosts ?? allowedHostsFromEnv();
    this.timeouts = { headersTimeoutMs: opts.headersTimeoutMs, requestTimeoutMs: opts.requestTimeoutMs };
  }

  /** Start a cloud: listen, construct every service, start their background work. */
  static async start(opts: LocalCloudOptions): Promise<LocalCloud> {
    const cloud = new LocalCloud(opts);
    fs.mkdirSync(cloud.dir, { recursive: true });
    // A missing or damaged state file stops the start here, before anything is opened.
    cloud.integrity = new StateIntegrity(cloud.dir);
    await cloud.listen(opts.port ?? DEFAULT_PORT);
    try {
      await cloud.loadServices();
      for (const service of cloud.started) await service.start?.();
      cloud.integrity.record();
    } catch (err) {
      await cloud.stop();
      throw err;
    }
    return cloud;
  }

  get endpoint(): string {
    return `http://${this.host}:${this.port}`;
  }

  private async listen(port: number): Promise<void> {
    const server = createHttpServer(this, { allowedHosts: this.allowedHosts, ...this.timeouts });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, this.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private async loadServices(): Promise<void> {
    for (const [prop, Ctor] of serviceClasses()) {
      const service = new Ctor({ kernel: this, cloud: this });
      (this as any)[prop] = service;
      this.bySigningName.set(service.signingName, service);
      this.unsignedRoutes.add(service.signingName, service.unsigned);
      this.started.push(service);
    }
  }

  /** Stop serving, stop background work, close stores. Safe to call twice. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      // close() ends idle keep-alive sockets at once; busy ones get 200 ms to finish their answer.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(() => server.closeAllConnections(), 200).unref();
      });
    }
    for (const service of this.started.splice(0).reverse()) {
      try {
        await service.close?.();
      } catch (err) {
        console.error(`[local-cloud] closing ${service.signingName} failed`, err);
      }
    }
    for (const db of this.databases.values()) db.close();
    this.databases.clear();
    // Every database closed cleanly: the next start need not quick_check the unchanged ones.
    this.integrity?.recordCleanStop();
  }

  /** A SQLite database at `${dir}/${name}.sqlite` (WAL: a kill -9 loses no acknowledged write). */
  openDatabase(name: string): Database.Database {
    let db = this.databases.get(name);
    if (!db) {
      // Checked as it opens (state-integrity.ts): a damaged file is named, never used.
      db = this.integrity.openDatabase(name, (file) => {
        const created = !fs.existsSync(file);
        const opened = new Database(file);
        try {
          // Turning a new, empty file into a WAL database is a write transaction in
          // rollback mode, which SQLite's default `synchronous = FULL` fsyncs (journal
          // and file): 15–30 ms a database on this disk, every service's database on a
          // cold start. Nothing is in the file yet to protect, so that one switch goes
          // unsynced; every write after it has the settings below.
          if (created) opened.pragma("synchronous = OFF");
          opened.pragma("journal_mode = WAL");
        } catch (err: any) {
          opened.close();
          if (err?.code === "SQLITE_BUSY") throw fileInUse(file);
          throw err;
        }
        opened.pragma("synchronous = NORMAL");
        opened.pragma("busy_timeout = 5000");
        return opened;
      });
      this.databases.set(name, db);
    }
    return db;
  }

  /** A directory `${dir}/${name}` for a service's files. */
  dataDir(name: string): string {
    this.integrity.noteDataDir(name);
    const d = path.join(this.dir, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  /** The service behind a property name, when it is running. */
  service(prop: ServiceProp): Service | undefined {
    return (this as any)[prop];
  }

  /**
   * IAM check. The admin may do anything; anyone else needs an identity-based policy
   * that allows `action` on every resource. `conditionContext` adds condition keys the
   * service knows about the request (e.g. `aws:ResourceTag/<key>`).
   */
  authorize(ctx: CallContext, action: string, resources: string | string[], deny?: (message: string) => AwsError, conditionContext?: Record<string, string>): void {
    if (ctx.principal.admin) return;
    for (const resource of Array.isArray(resources) ? resources : [resources]) {
      const decision = ctx.principal.roleArn ? this.identity.evaluate(ctx.principal, action, resource, conditionContext) : "ImplicitDeny";
      if (decision === "Allow") continue;
      const why =
        decision === "ExplicitDeny"
          ? "with an explicit deny in an identity-based policy"
          : `because no identity-based policy allows the ${action} action`;
      const message = `User: ${ctx.principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
      throw deny ? deny(message) : new AwsError("AccessDeniedException", message, 400);
    }
  }

  /** The call context of an admin request in this cloud's region. */
  adminContext(requestId = "internal"): CallContext {
    return { region: this.region, principal: ADMIN_PRINCIPAL, requestId };
  }

  // RequestDispatcher ---------------------------------------------------------------

  /**
   * The secret and principal of an access key. The admin key is public (`test`), so a
   * request a web page sent (given its headers) never gets the admin: for it, the key is
   * unknown, as it would be on AWS. Every place that verifies a signature passes the
   * request's headers here.
   */
  lookupAccessKey(accessKeyId: string, headers?: Record<string, string>) {
    if (accessKeyId === ADMIN_ACCESS_KEY_ID) {
      if (headers !== undefined && sentByWebPage(headers)) return undefined;
      return { secretAccessKey: ADMIN_SECRET_ACCESS_KEY, principal: ADMIN_PRINCIPAL };
    }
    return this.identity.lookupAccessKey(accessKeyId);
  }

  serviceFor(signingName: string) {
    return this.bySigningName.get(signingName);
  }

  unsignedServiceFor(method: string, path: string, target: string | undefined): string | undefined {
    return this.unsignedRoutes.serviceFor(method, path, target);
  }

  /**
   * WebSocket handshakes: AppSync's realtime endpoints (appSyncRealtimeApi) to AppSync;
   * `{apiId}.execute-api.localhost/{stage}`,
   * `/_aws/execute-api/{apiId}/{stage}` on the cloud's address, or a custom domain's
   * `<domain>.localhost`, served by API Gateway.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, asRequest: AwsRequest): boolean {
    const realtime = appSyncRealtimeApi(asRequest);
    if (realtime && this.appsync) {
      this.appsync.handleRealtime(req, socket, head, realtime, asRequest).catch((err) => {
        console.error("[local-cloud] AppSync realtime handshake failed", err);
        socket.destroy();
      });
      return true;
    }
    if (!this.apigateway) return false;
    const query = (req.url ?? "").includes("?") ? (req.url ?? "").slice((req.url ?? "").indexOf("?")) : "";
    const hostMatch = /^([a-z0-9]{10})\.execute-api\.localhost(:\d+)?$/.exec(asRequest.headers.host ?? "");
    let target: [string, string] | undefined;
    if (hostMatch) target = [hostMatch[1]!, asRequest.path + query];
    else {
      const m = /^\/_aws\/execute-api\/([^/]+)(\/.*)?$/.exec(asRequest.path);
      if (m) target = [m[1]!, (m[2] ?? "/") + query];
      // A custom domain's local host: its mapping names the API and the stage.
      const mapped = m ? undefined : this.apigateway.resolveCustomDomain(asRequest.headers.host ?? "", asRequest.path || "/");
      if (mapped) target = [mapped.apiId, `/${mapped.stage}${mapped.path === "/" ? "" : mapped.path}${query}`];
    }
    if (!target) return false;
    this.apigateway.handleWebSocket(req, socket, head, target[0], target[1], asRequest).catch((err) => {
      console.error("[local-cloud] WebSocket handshake failed", err);
      socket.destroy();
    });
    return true;
  }

  internalRoute(req: AwsRequest): Promise<AwsResponse> | undefined {
    // The local CDN: each distribution answers on {id}.cloudfront.localhost.
    const distributionId = distributionIdFromHost(req.headers.host ?? "");
    if (distributionId && this.cloudfront) return this.cloudfront.serveDistribution(req, distributionId);
    // AppSync on its own local host name, as AWS's `{id}.appsync-api.{region}.amazonaws.com/graphql`.
    const graphqlHost = /^([a-z0-9]{26})\.appsync-api\.localhost(:\d+)?$/.exec(req.headers.host ?? "");
    if (graphqlHost && this.appsync) return this.appsync.handleGraphql(req, graphqlHost[1]!, req.path || "/");
    const hostMatch = /^([a-z0-9]{10})\.execute-api\.localhost(:\d+)?$/.exec(req.headers.host ?? "");
    if (hostMatch && this.apigateway) {
      return this.apigateway.handleExecuteApi(req, hostMatch[1]!, req.path || "/");
    }
    // A user pool domain's hosted UI: `<prefix>.auth.<region>.localhost`.
    const userPoolDomain = this.cognitoidp?.handleDomainHost(req);
    if (userPoolDomain) return userPoolDomain;
    // API Gateway custom domains: `<domain>.localhost` (undefined when the host is none).
    if (this.apigateway && (req.headers.host ?? "").includes(".localhost")) {
      const served = this.apigateway.handleCustomDomain(req);
      if (served) return served;
    }
    const m = /^\/_aws\/([^/]+)(\/.*)?$/.exec(req.path);
    if (!m) return undefined;
    const [, plane, rest = "/"] = m;
    if (plane === "execute-api" && this.apigateway) {
      const api = /^\/([^/]+)(\/.*)?$/.exec(rest);
      if (api) return this.apigateway.handleExecuteApi(req, api[1]!, api[2] ?? "/");
    }
    if (plane === "appsync" && this.appsync) {
      const api = /^\/([^/]+)(\/.*)?$/.exec(rest);
      if (api) return this.appsync.handleGraphql(req, api[1]!, api[2] ?? "/");
    }
    if (plane === "cloudformation" && this.cloudformation) return this.cloudformation.handleInternal(req, rest);
    if (plane === "sns" && this.sns) return this.sns.handleInternal(req, rest);
    if (plane === "lambda-url" && this.lambda) return this.lambda.handleFunctionUrl(req, rest);
    if (plane === "health") {
      const body = JSON.stringify({ status: "running", region: this.region, services: [...this.bySigningName.keys()] });
      return Promise.resolve({ status: 200, headers: { "content-type": "application/json" }, body });
    }
    return undefined;
  }
}

export { DEFAULT_PORT };

/**
 * The AppSync API a realtime handshake is for: `/_aws/appsync/{apiId}/graphql` (the local
 * RealtimeUrl), `…/graphql/realtime` (what Amplify derives from a GraphQL URL that is not
 * AWS's), or `{apiId}.appsync-realtime-api.localhost/graphql`.
 */
function appSyncRealtimeApi(req: AwsRequest): string | undefined {
  const onHost = /^([a-z0-9]{26})\.appsync-realtime-api\.localhost(:\d+)?$/.exec(req.headers.host ?? "");
  if (onHost && /^\/graphql(\/realtime)?\/?$/.test(req.path)) return onHost[1];
  return /^\/_aws\/appsync\/([a-z0-9]{26})\/graphql(\/realtime)?\/?$/.exec(req.path)?.[1];
}
