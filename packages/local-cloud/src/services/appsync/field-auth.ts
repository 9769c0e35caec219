/**
 * Which authenticated callers may read each field, as AppSync decides it from the schema:
 * the field's auth directives (`@aws_api_key`, `@aws_iam`, `@aws_oidc`, `@aws_lambda`,
 * `@aws_cognito_user_pools(cognito_groups:)`, the older `@aws_auth(cognito_groups:)`), else
 * its type's, else only the API's default mode. Beyond the directive: an AWS_IAM caller
 * needs `appsync:GraphQL` on the ARN of each Query/Mutation/Subscription field it reads, an AWS_LAMBDA caller must
 * not have the field among the authorizer's `deniedFields`, a Cognito caller must be in
 * one of the listed groups, and a Cognito default with DefaultAction DENY lets a user read
 * only fields that name Cognito themselves.
 */
import type { ConstDirectiveNode, GraphQLField, GraphQLObjectType, GraphQLSchema } from "graphql";
import { AwsError } from "../../server/aws-error.js";
import type { IamAuthCloud } from "../../auth/signed-request.js";
import type { AuthMode, RequestAuth } from "./auth-modes.js";

type Doc = Record<string, any>;

const DIRECTIVE_MODES: Record<string, AuthMode> = {
  aws_api_key: "API_KEY",
  aws_iam: "AWS_IAM",
  aws_oidc: "OPENID_CONNECT",
  aws_lambda: "AWS_LAMBDA",
  aws_cognito_user_pools: "AMAZON_COGNITO_USER_POOLS",
  aws_auth: "AMAZON_COGNITO_USER_POOLS",
};

/** Who may read one field. `groups` undefined: any Cognito user. */
export interface FieldRule {
  modes: Set<AuthMode>;
  groups?: string[];
  /** No directive named the modes: the API's default applies. */
  byDefault: boolean;
}

function ruleFromDirectives(directives: readonly ConstDirectiveNode[] | undefined): FieldRule | undefined {
  const modes = new Set<AuthMode>();
  let groups: string[] | undefined;
  for (const d of directives ?? []) {
    const mode = DIRECTIVE_MODES[d.name.value];
    if (!mode) continue;
    modes.add(mode);
    const arg = d.arguments?.find((a) => a.name.value === "cognito_groups");
    if (arg?.value.kind === "ListValue") groups = [...(groups ?? []), ...arg.value.values.map((v) => ("value" in v ? String(v.value) : ""))];
  }
  return modes.size ? { modes, groups, byDefault: false } : undefined;
}

/** AppSync's error for a field the caller may not read. */
export class FieldUnauthorized extends Error {
  constructor(typeName: string, fieldName: string) {
    super(`Not Authorized to access ${fieldName} on type ${typeName}`);
  }
}

export class FieldAuthorizer {
  private readonly rules = new Map<string, FieldRule>();

  constructor(private readonly schema: GraphQLSchema, private readonly api: Doc, private readonly iam?: IamAuthCloud) {}

  rule(typeName: string, fieldName: string): FieldRule {
    const key = `${typeName}.${fieldName}`;
    let rule = this.rules.get(key);
    if (!rule) {
      const type = this.schema.getType(typeName) as GraphQLObjectType | undefined;
      const field = type?.getFields?.()[fieldName] as GraphQLField<unknown, unknown> | undefined;
      rule = ruleFromDirectives(field?.astNode?.directives)
        ?? ruleFromDirectives(type?.astNode?.directives)
        ?? ruleFromDirectives(type?.extensionASTNodes?.flatMap((n) => n.directives ?? []))
        ?? { modes: new Set([this.api.AuthenticationType as AuthMode]), byDefault: true };
      this.rules.set(key, rule);
    }
    return rule;
  }

  /** Throws FieldUnauthorized when `auth` may not read `typeName.fieldName`. */
  check(auth: RequestAuth, typeName: string, fieldName: string): void {
    if (!this.allows(auth, typeName, fieldName)) throw new FieldUnauthorized(typeName, fieldName);
  }

  allows(auth: RequestAuth, typeName: string, fieldName: string): boolean {
    const rule = this.rule(typeName, fieldName);
    if (!rule.modes.has(auth.mode)) return false;
    switch (auth.mode) {
      case "AMAZON_COGNITO_USER_POOLS": {
        if (rule.groups) return rule.groups.some((g) => auth.groups?.includes(g));
        const onlyCognito = !(this.api.AdditionalAuthenticationProviders ?? []).length;
        return !(rule.byDefault && onlyCognito && this.api.UserPoolConfig?.DefaultAction === "DENY");
      }
      case "AWS_LAMBDA":
        return !auth.deniedFields?.has(`${typeName}.${fieldName}`);
      case "AWS_IAM":
        return this.iamAllows(auth, typeName, fieldName);
      default:
        return true;
    }
  }

  /** Policies are checked on the operation types' fields (what CDK's grantQuery/grantMutation grant), not on nested types. */
  private iamAllows(auth: RequestAuth, typeName: string, fieldName: string): boolean {
    const root = [this.schema.getQueryType(), this.schema.getMutationType(), this.schema.getSubscriptionType()].some((t) => t?.name === typeName);
    if (!root) return true;
    if (!this.iam || !auth.principal) return false;
    const arn = `${this.api.Arn}/types/${typeName}/fields/${fieldName}`;
    try {
      this.iam.authorize({ principal: auth.principal, region: auth.region ?? "", requestId: "" }, "appsync:GraphQL", arn, (m) => new AwsError("AccessDeniedException", m, 403));
      return true;
    } catch (err) {
      if (err instanceof AwsError) return false;
      throw err;
    }
  }
}
