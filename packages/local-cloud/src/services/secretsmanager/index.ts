/**
 * Secrets Manager (awsJson1_1, X-Amz-Target "secretsmanager.<Operation>"): the secrets
 * CloudFormation creates (SST's RDS credentials), read by apps and by the Data API with
 * the caller's own permissions.
 */
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import { jsonServiceErrors } from "../../wire/json-service-errors.js";
import type { OperationSpecs } from "../../wire/operations.js";
import model from "../../wire/models/secretsmanager.js";
import { SecretsManagerOperations } from "./operations.js";
import { SecretStore } from "./store.js";

export class SecretsManagerService implements Service {
  readonly signingName = "secretsmanager";
  readonly ops: SecretsManagerOperations;
  private readonly api: OperationService;

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
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model,
      operations,
      errors: jsonServiceErrors({ validation: "ValidationException", internal: "InternalServiceError" }),
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }
}
