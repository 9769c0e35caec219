/**
 * Secrets Manager (awsJson1_1, X-Amz-Target "secretsmanager.<Operation>"): the secrets
 * CloudFormation creates (SST's RDS credentials), read by apps and by the Data API with
 * the caller's own permissions.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { OperationHost } from "../../wire/host.js";
import type { OperationSpecs } from "../../wire/operations.js";
import model from "../../wire/models/secretsmanager.js";
import { SecretsManagerOperations } from "./operations.js";
import { SecretStore } from "./store.js";

export class SecretsManagerService implements Service {
  readonly signingName = "secretsmanager";
  readonly ops: SecretsManagerOperations;
  private readonly host: OperationHost<CallContext>;

  constructor({ kernel }: ServiceDeps) {
    this.ops = new SecretsManagerOperations(new SecretStore(kernel.openDatabase("secretsmanager")), kernel.region, kernel.accountId);
    const ops = this.ops;
    const onSecret = (action: string) => (i: { SecretId: string }) => ({ action: `secretsmanager:${action}`, resource: ops.arnFor(i.SecretId) });
    const operations: OperationSpecs<typeof model, CallContext> = {
      CreateSecret: { iam: (i) => ({ action: "secretsmanager:CreateSecret", resource: ops.arnFor(i.Name) }), run: (i) => ops.CreateSecret(i as Parameters<typeof ops.CreateSecret>[0]) },
      PutSecretValue: { iam: onSecret("PutSecretValue"), run: (i) => ops.PutSecretValue(i as Parameters<typeof ops.PutSecretValue>[0]) },
      GetSecretValue: { iam: onSecret("GetSecretValue"), run: (i) => ops.GetSecretValue(i) },
      DescribeSecret: { iam: onSecret("DescribeSecret"), run: (i) => ops.DescribeSecret(i) },
      DeleteSecret: { iam: onSecret("DeleteSecret"), run: (i) => ops.DeleteSecret(i) },
      GetRandomPassword: { iam: () => ({ action: "secretsmanager:GetRandomPassword", resource: "*" }), run: (i) => ops.GetRandomPassword(i) },
    };
    this.host = new OperationHost<CallContext>(kernel, {
      signingName: this.signingName,
      models: [model],
      operations,
      context: (ctx) => ctx,
      errors: {
        validation: (message) => new AwsError("ValidationException", message, 400),
        unknownOperation: () => new AwsError("UnknownOperationException", "", 400),
        malformedBody: (message) => new AwsError("SerializationException", message, 400),
        internal: (err) => new AwsError("InternalServiceError", String((err as Error)?.message ?? err), 500),
      },
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.host.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.host.call(operation, input, ctx);
  }
}
