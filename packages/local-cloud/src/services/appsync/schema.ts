/**
 * An AppSync schema as the `graphql` package builds it: AppSync's own scalars
 * (AWSDateTime, AWSJSON …) and authorization directives (@aws_api_key …) are declared
 * before the app's definition, as AppSync declares them implicitly. AWS scalars pass
 * values through as they are; AWSJSON is a JSON string on the wire.
 */
import { buildSchema, GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from "graphql";

const AWS_SCALARS = ["AWSDate", "AWSTime", "AWSDateTime", "AWSTimestamp", "AWSEmail", "AWSJSON", "AWSURL", "AWSPhone", "AWSIPAddress"];
const AWS_DIRECTIVES = [
  "directive @aws_api_key on FIELD_DEFINITION | OBJECT",
  "directive @aws_iam on FIELD_DEFINITION | OBJECT",
  "directive @aws_oidc on FIELD_DEFINITION | OBJECT",
  "directive @aws_lambda on FIELD_DEFINITION | OBJECT",
  "directive @aws_cognito_user_pools(cognito_groups: [String]) on FIELD_DEFINITION | OBJECT",
  "directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION",
  "directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION",
];

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    default:
      return undefined;
  }
}

/** Builds the schema; throws the graphql package's error (with line and column) when the definition is invalid. */
export function buildAppSyncSchema(definition: string): GraphQLSchema {
  const declared = (name: string) => new RegExp(`\\b(scalar|directive @)${name.replace(/^@/, "")}\\b`).test(definition);
  const prelude = [
    ...AWS_SCALARS.filter((s) => !declared(s)).map((s) => `scalar ${s}`),
    ...AWS_DIRECTIVES.filter((d) => !declared(/@(\w+)/.exec(d)![1])),
  ].join("\n");
  const schema = buildSchema(`${prelude}\n${definition}`);
  for (const name of AWS_SCALARS) {
    const type = schema.getType(name);
    if (!(type instanceof GraphQLScalarType)) continue;
    if (name === "AWSJSON") {
      type.serialize = (v) => (typeof v === "string" ? v : JSON.stringify(v));
      type.parseValue = (v) => (typeof v === "string" ? JSON.parse(v) : v);
      type.parseLiteral = (node) => (node.kind === Kind.STRING ? JSON.parse(node.value) : literal(node));
    } else {
      type.serialize = (v) => v;
      type.parseValue = (v) => v;
      type.parseLiteral = literal as never;
    }
  }
  return schema;
}
