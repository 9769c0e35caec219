/**
 * AWS::Lambda::Permission: one statement in the function's resource policy. Every
 * property change replaces it (as in CloudFormation); the physical id is the statement id.
 */
import { compact, ignoreNotFound, service, type ResourceProvider } from "../provider.js";

export const lambdaPermission: ResourceProvider = {
  async create(props, ctx) {
    const statementId = ctx.physicalName({ maxLength: 100 });
    await service(ctx, "lambda").call("AddPermission", compact({
      FunctionName: props.FunctionName, StatementId: statementId, Action: props.Action, Principal: props.Principal,
      SourceArn: props.SourceArn, SourceAccount: props.SourceAccount, EventSourceToken: props.EventSourceToken,
      PrincipalOrgID: props.PrincipalOrgID, FunctionUrlAuthType: props.FunctionUrlAuthType,
    }));
    return { physicalId: statementId };
  },
  async delete(statementId, props, ctx) {
    await ignoreNotFound(service(ctx, "lambda").call("RemovePermission", { FunctionName: props.FunctionName, StatementId: statementId }));
  },
};
