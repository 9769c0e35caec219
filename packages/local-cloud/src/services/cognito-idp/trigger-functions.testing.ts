/**
 * For tests: the template resources of trigger functions written inline (`ZipFile`), all
 * running as one role `Role`, to deploy beside a user pool whose LambdaConfig names them.
 */
export function inlineTriggerFunctions(functions: Record<string, { name: string; code: string }>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Role: {
      Type: "AWS::IAM::Role",
      Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } },
    },
  };
  for (const [logicalId, { name, code }] of Object.entries(functions)) {
    out[logicalId] = {
      Type: "AWS::Lambda::Function",
      Properties: { FunctionName: name, Runtime: "nodejs22.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: code } },
    };
  }
  return out;
}
