/**
 * AppSync: GraphQL APIs deployed from CloudFormation (in-process operations,
 * management.ts), served by the data plane the kernel routes
 * /_aws/appsync/{apiId}/graphql to, and by the realtime endpoint (subscriptions over a
 * WebSocket) the cloud's upgrade hook hands handshakes to. AppSync's management API is not
 * on the wire: a request signed for "appsync" is answered 501.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, Service } from "../../types.js";
import { invokerOf } from "../../lambda-proxy/lambda-invoke.js";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { AppSyncDataPlane } from "./data-plane.js";
import type { AppSyncRealtime } from "./realtime.js";
import { AppSyncManagement } from "./management.js";
import { AppSyncStore } from "./store.js";
import { JwksCache, localUserPoolKeys } from "../../auth/jwt-verify.js";

export class AppSyncService implements Service {
  readonly signingName = "appsync";
  private readonly management: AppSyncManagement;
  /** Loaded on the first GraphQL request: `graphql` and `velocityjs` cost ~110 ms of every start otherwise. */
  private dataPlane?: Promise<AppSyncDataPlane>;
  private readonly dataPlaneDeps: ConstructorParameters<typeof AppSyncDataPlane>[0];
  /** Loaded with the first realtime handshake. */
  private realtime?: Promise<AppSyncRealtime>;

  constructor({ kernel }: ServiceDeps) {
    const store = new AppSyncStore(kernel.openDatabase("appsync"));
    this.management = new AppSyncManagement(store, kernel.region, () => kernel.endpoint);
    this.dataPlaneDeps = { store, region: kernel.region, iam: kernel, lambda: () => invokerOf(kernel.clients.lambda), dynamodb: () => kernel.clients.dynamodb, rdsdata: () => kernel.clients.rdsdata,
      jwks: new JwksCache(undefined, undefined, undefined, undefined, localUserPoolKeys(kernel.clients)) };
  }

  async handle(_req: AwsRequest): Promise<AwsResponse> {
    throw new AwsError("NotImplemented", "The local cloud serves AppSync GraphQL APIs (deployed with CloudFormation) but does not implement AppSync's management API.", 501);
  }

  async call(operation: string, input: any): Promise<any> {
    const run = this.management.operations[operation];
    if (!run) throw new AwsError("UnknownOperationException", `The operation ${operation} is not supported by the local AppSync`, 400);
    return run(input ?? {});
  }

  /** The GraphQL endpoint: `path` is what follows /_aws/appsync/{apiId}. */
  async handleGraphql(req: AwsRequest, apiId: string, path: string): Promise<AwsResponse> {
    return (await this.plane()).handle(req, apiId, path);
  }

  /** A WebSocket handshake to the API's realtime endpoint. */
  async handleRealtime(req: IncomingMessage, socket: Duplex, head: Buffer, apiId: string, signed: AwsRequest): Promise<void> {
    this.realtime ??= Promise.all([this.plane(), import("./realtime.js")]).then(([plane, m]) => new m.AppSyncRealtime(plane));
    return (await this.realtime).upgrade(req, socket, head, apiId, signed);
  }

  close(): void {
    void this.realtime?.then((r) => r.close());
    void this.dataPlane?.then((p) => p.close());
  }

  private plane(): Promise<AppSyncDataPlane> {
    return (this.dataPlane ??= import("./data-plane.js").then((m) => new m.AppSyncDataPlane(this.dataPlaneDeps)));
  }
}
