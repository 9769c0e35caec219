/**
 * Where DynamoDB's front end checks requests differently than its published model says.
 * These are observed behaviour of the real service, kept as data:
 *
 * - A table is named by `TableName` (3–255 characters of [a-zA-Z0-9_.-]) or by its ARN;
 *   the model only states the ARN's limits (1–1024), DynamoDB holds a name to the name's.
 * - Enum messages list the values in DynamoDB's own order, not the model's.
 * - The table operations (CreateTable, DescribeTable, …) first check TableName's
 *   presence and length with messages of their own.
 * - The JSON `__type` prefix depends on the layer that raised the error.
 */
import type { ShapeRules } from "../../wire/shapes.js";
import { AwsError } from "../../server/aws-error.js";

export const DYNAMODB_RULES: ShapeRules = {
  javaNamespace: "com.amazonaws.dynamodb.v20120810",
  validateAs: {
    TableArn: (value) => (typeof value === "string" && value.startsWith("arn:") ? "TableArn" : "TableName"),
  },
  enumOrder: {
    ReturnValue: ["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"],
    ReturnConsumedCapacity: ["INDEXES", "TOTAL", "NONE"],
    ReturnItemCollectionMetrics: ["SIZE", "NONE"],
    ScalarAttributeType: ["B", "N", "S"],
    KeyType: ["HASH", "RANGE"],
    ProjectionType: ["ALL", "INCLUDE", "KEYS_ONLY"],
    ComparisonOperator: ["IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS"],
    ConditionalOperator: ["OR", "AND"],
    BillingMode: ["PROVISIONED", "PAY_PER_REQUEST"],
    Select: ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"],
    AttributeAction: ["ADD", "PUT", "DELETE"],
    ShardIteratorType: ["AFTER_SEQUENCE_NUMBER", "LATEST", "AT_SEQUENCE_NUMBER", "TRIM_HORIZON"],
  },
};

/**
 * The table operations' own first check: TableName present and 3–255 characters long
 * (a table ARN is held to the ARN's limits by constraint validation).
 */
export function tableNamePrecheck(input: { TableName?: unknown }): void {
  const name = input.TableName;
  if (name === undefined || name === null) throw new AwsError("ValidationException", "The parameter 'TableName' is required but was not present in the request", 400);
  if (typeof name === "string" && !name.startsWith("arn:") && (name.length < 3 || name.length > 255)) {
    throw new AwsError("ValidationException", "TableName must be at least 3 characters long and at most 255 characters long", 400);
  }
}

/** Codes raised by the "coral" request framework rather than DynamoDB itself. */
const CORAL_VALIDATE = new Set(["ValidationException"]);
const CORAL_SERVICE = new Set([
  "SerializationException",
  "UnknownOperationException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "MissingAuthenticationTokenException",
  "InvalidSignatureException",
  "IncompleteSignatureException",
]);

/** Coral's service-layer errors name their message "Message"; everything else "message". */
export function messageKey(code: string): string {
  return CORAL_SERVICE.has(code) ? "Message" : "message";
}

export function typePrefix(code: string): string {
  if (CORAL_VALIDATE.has(code)) return "com.amazon.coral.validate#";
  if (CORAL_SERVICE.has(code)) return "com.amazon.coral.service#";
  return "com.amazonaws.dynamodb.v20120810#";
}
