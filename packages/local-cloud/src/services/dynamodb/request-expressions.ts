/**
 * Parses every expression (or legacy parameter) of one request against one shared
 * ExpressionContext, so unused names/values are detected across all of them, and refuses
 * requests that mix the two styles, as DynamoDB does.
 */
import { ExpressionContext } from "./expressions/context.js";
import { parseCondition, parseProjection, parseUpdate } from "./expressions/parser.js";
import type { Condition, PathNode, UpdateAction } from "./expressions/ast.js";
import { attributesToGetPaths, attributeUpdatesToActions, conditionsToAst, expectedToAst } from "./legacy.js";
import { validation } from "./errors.js";

export interface ParsedRequest {
  condition?: Condition;
  filter?: Condition;
  keyCondition?: Condition;
  projection?: PathNode[];
  update?: UpdateAction[];
}

const EXPRESSION_PARAMS = ["ConditionExpression", "FilterExpression", "KeyConditionExpression", "ProjectionExpression", "UpdateExpression"];
const LEGACY_PARAMS = ["Expected", "QueryFilter", "ScanFilter", "KeyConditions", "AttributesToGet", "AttributeUpdates"];

export function parseRequestExpressions(input: any): ParsedRequest {
  const expr = EXPRESSION_PARAMS.filter((p) => input[p] !== undefined);
  const legacy = LEGACY_PARAMS.filter((p) => input[p] !== undefined);
  if (expr.length && legacy.length) {
    throw validation(`Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${legacy.join(", ")}} Expression parameters: {${expr.join(", ")}}`);
  }
  ExpressionContext.checkNoExpressions(input, expr.length > 0);
  if (input.ConditionalOperator !== undefined && !legacy.some((p) => p === "Expected" || p === "QueryFilter" || p === "ScanFilter")) {
    throw validation("ConditionalOperator can only be used when Filter or Expected has two or more elements");
  }
  const out: ParsedRequest = {};
  if (expr.length) {
    const ctx = new ExpressionContext(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    if (input.KeyConditionExpression !== undefined) out.keyCondition = parseCondition(input.KeyConditionExpression, ctx, "KeyConditionExpression");
    if (input.ConditionExpression !== undefined) out.condition = parseCondition(input.ConditionExpression, ctx, "ConditionExpression");
    if (input.FilterExpression !== undefined) out.filter = parseCondition(input.FilterExpression, ctx, "FilterExpression");
    if (input.UpdateExpression !== undefined) out.update = parseUpdate(input.UpdateExpression, ctx);
    if (input.ProjectionExpression !== undefined) out.projection = parseProjection(input.ProjectionExpression, ctx);
    ctx.checkUnused();
    return out;
  }
  if (input.Expected) out.condition = expectedToAst(input.Expected, input.ConditionalOperator);
  if (input.QueryFilter) out.filter = conditionsToAst(input.QueryFilter, input.ConditionalOperator, "queryFilter");
  if (input.ScanFilter) out.filter = conditionsToAst(input.ScanFilter, input.ConditionalOperator, "scanFilter");
  if (input.KeyConditions) out.keyCondition = conditionsToAst(input.KeyConditions, undefined, "keyConditions");
  if (input.AttributeUpdates) out.update = attributeUpdatesToActions(input.AttributeUpdates);
  if (input.AttributesToGet) out.projection = attributesToGetPaths(input.AttributesToGet);
  return out;
}
