/**
 * SSM Parameter Store (awsJson1_1, X-Amz-Target "AmazonSSM.<Operation>"). What sst
 * binds and `sst secrets` writes; SecureStrings are encrypted at rest.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { OperationHost } from "../../wire/host.js";
import ssmModel from "../../wire/models/ssm.js";
import { ssmOperations } from "./api.js";
import { SsmOperations } from "./operations.js";
import { SecureStringCipher } from "./secure-string.js";

export class SsmService implements Service {
  readonly signingName = "ssm";
  readonly ops: SsmOperations;
  private readonly host: OperationHost<CallContext>;

  constructor({ kernel }: ServiceDeps) {
    this.ops = new SsmOperations({
      db: kernel.openDatabase("ssm"),
      cipher: new SecureStringCipher(kernel.dataDir("ssm")),
      changed: (name) => kernel.events.emit("ssm:changed", { name }),
    });
    this.host = new OperationHost<CallContext>(kernel, {
      signingName: this.signingName,
      models: [ssmModel],
      operations: ssmOperations(this.ops),
      context: (ctx) => ctx,
      errors: {
        validation: (message) => new AwsError("ValidationException", message, 400),
        unknownOperation: () => new AwsError("UnknownOperationException", "", 400),
        malformedBody: (message) => new AwsError("SerializationException", message, 400),
        internal: (err) => new AwsError("InternalServerError", String((err as Error)?.message ?? err), 500),
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
