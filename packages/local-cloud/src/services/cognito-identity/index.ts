/**
 * Cognito identity pools (awsJson1_1, X-Amz-Target "AWSCognitoIdentityService.<Op>"):
 * pools and their roles are IAM-checked management operations; GetId,
 * GetCredentialsForIdentity and GetOpenIdToken are what an app calls before it has
 * credentials, so — as on AWS — they take unsigned requests.
 */
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service, UnsignedRequests } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import { COGNITO_SERVICE_ERRORS } from "../../wire/cognito-errors.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import model from "../../wire/models/cognitoidentity.js";
import { IdentityPoolOperations } from "./operations.js";
import { IdentityPoolStore } from "./store.js";

export class CognitoIdentityService implements Service {
  readonly signingName = "cognito-identity";
  readonly ops: IdentityPoolOperations;
  readonly unsigned: UnsignedRequests;
  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps) {
    const ops = (this.ops = new IdentityPoolOperations(new IdentityPoolStore(kernel.openDatabase("cognito-identity")), kernel));
    const poolArn = (id: string) => `arn:aws:cognito-identity:${kernel.region}:${kernel.accountId}:identitypool/${id}`;
    const any = (action: string) => (): Authorization => ({ action: `cognito-identity:${action}`, resource: "*" });
    const onPool = (action: string) => (i: { IdentityPoolId: string }): Authorization => ({ action: `cognito-identity:${action}`, resource: poolArn(i.IdentityPoolId) });
    const operations: OperationSpecs<typeof model, CallContext> = {
      CreateIdentityPool: { iam: any("CreateIdentityPool"), run: (i) => ops.CreateIdentityPool(i) },
      ListIdentityPools: { iam: any("ListIdentityPools"), run: (i) => ops.ListIdentityPools(i) },
      DescribeIdentityPool: { iam: onPool("DescribeIdentityPool"), run: (i) => ops.DescribeIdentityPool(i) },
      UpdateIdentityPool: { iam: onPool("UpdateIdentityPool"), run: (i) => ops.UpdateIdentityPool(i) },
      DeleteIdentityPool: { iam: onPool("DeleteIdentityPool"), run: (i) => ops.DeleteIdentityPool(i) },
      SetIdentityPoolRoles: { iam: onPool("SetIdentityPoolRoles"), run: (i) => ops.SetIdentityPoolRoles(i) },
      GetIdentityPoolRoles: { iam: onPool("GetIdentityPoolRoles"), run: (i) => ops.GetIdentityPoolRoles(i) },
      GetId: { iam: "none", run: (i) => ops.GetId(i) },
      GetCredentialsForIdentity: { iam: "none", run: (i) => ops.GetCredentialsForIdentity(i) },
      GetOpenIdToken: { iam: "none", run: (i) => ops.GetOpenIdToken(i) },
    };
    this.api = operationService(kernel, { signingName: this.signingName, model, operations, errors: COGNITO_SERVICE_ERRORS, publicOperationsUnsigned: true });
    this.unsigned = this.api.unsigned;
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }
}
