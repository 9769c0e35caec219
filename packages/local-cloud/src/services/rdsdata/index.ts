/**
 * The RDS Data API (REST-JSON, SigV4 signing name "rds-data"): SQL over HTTPS against
 * the Aurora clusters CloudFormation created, run on real Postgres (PGlite, loaded on the
 * first statement). The cluster records themselves come from CloudFormation through the
 * local-only in-process operations below; Aurora's control plane (the "rds" API) is not
 * served.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import type { OperationSpecs } from "../../wire/operations.js";
import model from "../../wire/models/rdsdata.js";
import { ClusterStore, type ClusterRow } from "./clusters.js";
import { RdsDataOperations } from "./operations.js";

/** Local-only: CloudFormation records a cluster the Data API can reach (input: a ClusterRow in camelCase). */
export const LOCAL_PUT_CLUSTER = "LocalPutDBCluster";
/** Local-only: CloudFormation deleted a cluster; its data goes with it. */
export const LOCAL_DELETE_CLUSTER = "LocalDeleteDBCluster";
/** Local-only: where a cluster's Postgres endpoint listens (input `{ arn }`, output `{ address, port }`). */
export const LOCAL_CLUSTER_ENDPOINT = "LocalDescribeDBClusterEndpoint";
/** Local-only: every cluster's Postgres endpoint with its master credentials (what `sst dev` prints). */
export const LOCAL_LIST_CLUSTERS = "LocalListDBClusters";

/** A cluster as LOCAL_LIST_CLUSTERS describes it. */
export interface LocalClusterEndpoint {
  arn: string;
  identifier: string;
  database: string;
  username: string;
  password: string;
  host: string;
  port: number;
}

export class RdsDataService implements Service {
  readonly signingName = "rds-data";
  readonly ops: RdsDataOperations;
  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps) {
    this.ops = new RdsDataOperations({
      clusters: new ClusterStore(kernel.openDatabase("rdsdata")),
      dataDir: kernel.dataDir("rds-clusters"),
      readSecret: async (secretArn, ctx) => {
        const out = await kernel.clients.secretsmanager.call("GetSecretValue", { SecretId: secretArn }, ctx);
        return out.SecretString;
      },
    });
    const ops = this.ops;
    const on = (action: string) => (i: { resourceArn: string }) => ({ action: `rds-data:${action}`, resource: i.resourceArn });
    const operations: OperationSpecs<typeof model, CallContext> = {
      ExecuteStatement: { iam: on("ExecuteStatement"), run: (i, ctx) => ops.ExecuteStatement(i as never, ctx) },
      BatchExecuteStatement: { iam: on("BatchExecuteStatement"), run: (i, ctx) => ops.BatchExecuteStatement(i as never, ctx) },
      BeginTransaction: { iam: on("BeginTransaction"), run: (i, ctx) => ops.BeginTransaction(i, ctx) },
      CommitTransaction: { iam: on("CommitTransaction"), run: (i, ctx) => ops.CommitTransaction(i, ctx) },
      RollbackTransaction: { iam: on("RollbackTransaction"), run: (i, ctx) => ops.RollbackTransaction(i, ctx) },
      ExecuteSql: { iam: (i) => ({ action: "rds-data:ExecuteSql", resource: i.dbClusterOrInstanceArn }), run: (i, ctx) => ops.ExecuteSql(i, ctx) },
    };
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model,
      operations,
      errors: {
        validation: (message) => new AwsError("BadRequestException", message, 400),
        unknownOperation: () => new AwsError("UnknownOperationException", "", 404),
        malformedBody: (message) => new AwsError("BadRequestException", message, 400),
        accessDenied: (message) => new AwsError("AccessDeniedException", message, 403),
        internal: (err) => new AwsError("InternalServerErrorException", String((err as Error)?.message ?? err), 500),
      },
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    if (operation === LOCAL_PUT_CLUSTER) return this.ops.createCluster(input as ClusterRow);
    if (operation === LOCAL_LIST_CLUSTERS) {
      const clusters: LocalClusterEndpoint[] = this.ops.listClusters().flatMap((c) => c.endpoint
        ? [{ arn: c.arn, identifier: c.identifier, database: c.database, username: c.master_username, password: c.master_password, host: c.endpoint.address, port: c.endpoint.port }]
        : []);
      return { clusters };
    }
    if (operation === LOCAL_CLUSTER_ENDPOINT) {
      const endpoint = this.ops.endpoint(String(input.arn));
      if (!endpoint) throw new AwsError("DBClusterNotFoundFault", `DBCluster ${String(input.arn)} not found.`, 404);
      return endpoint;
    }
    if (operation === LOCAL_DELETE_CLUSTER) {
      await this.ops.deleteCluster(String(input.arn));
      return {};
    }
    return this.api.call(operation, input, ctx);
  }

  start(): Promise<void> {
    return this.ops.start();
  }

  close(): Promise<void> {
    return this.ops.close();
  }
}
