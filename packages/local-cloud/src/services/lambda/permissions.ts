/**
 * A function's resource-based policy (AddPermission / GetPolicy / RemovePermission):
 * the statements that let services such as API Gateway or S3 invoke it.
 */
import { AwsError } from "../../server/aws-error.js";
import type { LambdaCloud } from "./runtime/cloud-deps.js";
import { conflict, functionNotFound } from "./errors.js";
import type { PolicyStatement } from "./model.js";
import { functionArn, parseFunctionRef, validationError } from "./names.js";
import type { LambdaStore } from "./store.js";

export class PermissionOperations {
  constructor(
    private readonly cloud: LambdaCloud,
    private readonly store: LambdaStore,
  ) {}

  private target(functionName: unknown, qualifier: unknown): { name: string; qualifier: string; resource: string } {
    const ref = parseFunctionRef(functionName, qualifier);
    const q = ref.qualifier ?? "";
    const resource = functionArn(this.cloud.region, this.cloud.accountId, ref.name, ref.qualifier);
    const exists = q === "" || q === "$LATEST" ? this.store.getFunction(ref.name) : this.store.getFunction(ref.name, q) ?? this.store.getAlias(ref.name, q);
    if (!exists || !this.store.getFunction(ref.name)) throw functionNotFound(resource);
    return { name: ref.name, qualifier: q, resource };
  }

  addPermission(input: any): { Statement: string } {
    const { name, qualifier, resource } = this.target(input.FunctionName, input.Qualifier);
    const sid = input.StatementId;
    if (typeof sid !== "string" || !/^([a-zA-Z0-9-_.]+)$/.test(sid) || sid.length > 100) {
      throw validationError(sid, "statementId", "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)");
    }
    const action = input.Action;
    if (typeof action !== "string" || !/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(action)) {
      throw validationError(action, "action", "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])");
    }
    if (typeof input.Principal !== "string" || input.Principal === "") throw validationError("null", "principal", "Member must not be null");
    const statement: PolicyStatement = {
      Sid: sid,
      Effect: "Allow",
      Principal: principalOf(input.Principal),
      Action: action,
      Resource: resource,
    };
    const condition: Record<string, Record<string, string>> = {};
    if (input.SourceAccount) (condition.StringEquals ??= {})["AWS:SourceAccount"] = String(input.SourceAccount);
    if (input.PrincipalOrgID) (condition.StringEquals ??= {})["aws:PrincipalOrgID"] = String(input.PrincipalOrgID);
    if (input.FunctionUrlAuthType) (condition.StringEquals ??= {})["lambda:FunctionUrlAuthType"] = String(input.FunctionUrlAuthType);
    if (input.SourceArn) (condition.ArnLike ??= {})["AWS:SourceArn"] = String(input.SourceArn);
    if (Object.keys(condition).length) statement.Condition = condition;
    if (!this.store.addPermission(name, qualifier, statement)) {
      throw conflict("The statement id (" + sid + ") provided already exists. Please provide a new statement id, or remove the existing statement.");
    }
    return { Statement: JSON.stringify(statement) };
  }

  getPolicy(input: any): { Policy: string; RevisionId: string } {
    const { name, qualifier } = this.target(input.FunctionName, input.Qualifier);
    const statements = this.store.permissions(name, qualifier);
    if (statements.length === 0) throw new AwsError("ResourceNotFoundException", "The resource you requested does not exist.", 404);
    const fn = this.store.getFunction(name)!;
    return { Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: statements }), RevisionId: fn.config.RevisionId };
  }

  removePermission(input: any): void {
    const { name, qualifier } = this.target(input.FunctionName, input.Qualifier);
    if (!this.store.removePermission(name, qualifier, String(input.StatementId))) {
      throw new AwsError("ResourceNotFoundException", "Statement " + input.StatementId + " is not found in resource policy.", 404);
    }
  }
}

/** "s3.amazonaws.com" → Service; an account id → that account's root; "*" stays; ARNs → AWS. */
function principalOf(p: string): PolicyStatement["Principal"] {
  if (p === "*") return "*";
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith("arn:")) return { AWS: p };
  return { Service: p };
}
