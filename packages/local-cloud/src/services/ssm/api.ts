/**
 * Parameter Store's operations: the IAM action and resource of each and its
 * implementation (operations.ts). Input shapes and constraints come from the generated
 * model (wire/models/ssm.ts).
 */
import type ssmModel from "../../wire/models/ssm.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import { ACCOUNT_ID, type CallContext } from "../../types.js";
import { nameFromArnOrName, parameterArn, parseSelector } from "./names.js";
import type { SsmOperations } from "./operations.js";

/** `ssm:<action>` on the parameter a name, ARN or "name:version" selector names. */
function onParameter(action: string) {
  return (input: { Name: string }, ctx: CallContext): Authorization => ({ action: `ssm:${action}`, resource: parameterArn(ctx.region, parseSelector(input.Name).name) });
}

function onTagged(action: string) {
  return (input: { ResourceId: string }, ctx: CallContext): Authorization => ({ action: `ssm:${action}`, resource: parameterArn(ctx.region, nameFromArnOrName(input.ResourceId)) });
}

export function ssmOperations(ops: SsmOperations): OperationSpecs<typeof ssmModel, CallContext> {
  return {
    PutParameter: { iam: onParameter("PutParameter"), run: (i, ctx) => ops.PutParameter(i, ctx) },
    GetParameter: { iam: onParameter("GetParameter"), run: (i, ctx) => ops.GetParameter(i, ctx) },
    GetParameters: {
      iam: (i, ctx) => ({ action: "ssm:GetParameters", resource: i.Names.map((n) => parameterArn(ctx.region, parseSelector(n).name)) }),
      run: (i, ctx) => ops.GetParameters(i, ctx),
    },
    GetParametersByPath: {
      iam: (i, ctx) => {
        const trimmed = i.Path.length > 1 && i.Path.endsWith("/") ? i.Path.slice(0, -1) : i.Path;
        return { action: "ssm:GetParametersByPath", resource: parameterArn(ctx.region, trimmed === "/" ? "" : trimmed) };
      },
      run: (i, ctx) => ops.GetParametersByPath(i, ctx),
    },
    DeleteParameter: { iam: onParameter("DeleteParameter"), run: (i, ctx) => ops.DeleteParameter(i, ctx) },
    DeleteParameters: {
      iam: (i, ctx) => ({ action: "ssm:DeleteParameters", resource: i.Names.map((n) => parameterArn(ctx.region, n)) }),
      run: (i, ctx) => ops.DeleteParameters(i, ctx),
    },
    DescribeParameters: { iam: (_i, ctx) => ({ action: "ssm:DescribeParameters", resource: `arn:aws:ssm:${ctx.region}:${ACCOUNT_ID}:*` }), run: (i, ctx) => ops.DescribeParameters(i, ctx) },
    GetParameterHistory: { iam: onParameter("GetParameterHistory"), run: (i, ctx) => ops.GetParameterHistory(i, ctx) },
    AddTagsToResource: { iam: onTagged("AddTagsToResource"), run: (i, ctx) => ops.AddTagsToResource(i, ctx) },
    RemoveTagsFromResource: { iam: onTagged("RemoveTagsFromResource"), run: (i, ctx) => ops.RemoveTagsFromResource(i, ctx) },
    ListTagsForResource: { iam: onTagged("ListTagsForResource"), run: (i, ctx) => ops.ListTagsForResource(i, ctx) },
    LabelParameterVersion: { iam: onParameter("LabelParameterVersion"), run: (i, ctx) => ops.LabelParameterVersion(i, ctx) },
  };
}
