/**
 * SSM Parameter Store (awsJson1_1, X-Amz-Target "AmazonSSM.<Operation>"). What sst
 * binds and `sst secrets` writes; SecureStrings are encrypted at rest.
 */
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import { jsonServiceErrors } from "../../wire/json-service-errors.js";
import ssmModel from "../../wire/models/ssm.js";
import { ssmOperations } from "./api.js";
import { SsmOperations } from "./operations.js";
import { SecureStringCipher } from "./secure-string.js";

export class SsmService implements Service {
  readonly signingName = "ssm";
  readonly ops: SsmOperations;
  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps) {
    this.ops = new SsmOperations({
      db: kernel.openDatabase("ssm"),
      cipher: new SecureStringCipher(kernel.dataDir("ssm")),
      changed: (name) => kernel.events.emit("ssm:changed", { name }),
    });
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model: ssmModel,
      operations: ssmOperations(this.ops),
      errors: jsonServiceErrors({ validation: "ValidationException", internal: "InternalServerError" }),
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }
}
