/**
 * Parses every expression (or legacy parameter) of one request against one shared
 * ExpressionContext, so unused names/values are detected across all of them, and refuses
 * requests that mix the two styles, as DynamoDB does.
 */
import { ExpressionContext } from "./expressions/context.js";
import { conditionExpression, projectionExpression, updateExpression } from "./expressions/cache.js";
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

/** Whether `input` sets any of `names` (a plain loop: this runs on every item request). */
function anyDefined(input: any, names: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) if (input[names[i]!] !== undefined) return true;
  return false;
}

export interface ExpressionStyle {
  hasExpr: boolean;
  hasLegacy: boolean;
}

/**
 * Which style the request uses, refusing mixes and stray names/values: DynamoDB checks
 * this before it looks at any attribute value.
 */
export function checkExpressionParams(input: any): ExpressionStyle {
  const hasExpr = anyDefined(input, EXPRESSION_PARAMS);
  const hasLegacy = anyDefined(input, LEGACY_PARAMS);
  if (hasExpr && hasLegacy) {
    const expr = EXPRESSION_PARAMS.filter((p) => input[p] !== undefined);
    const legacy = LEGACY_PARAMS.filter((p) => input[p] !== undefined);
    throw validation(`Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${legacy.join(", ")}} Expression parameters: {${expr.join(", ")}}`);
  }
  ExpressionContext.checkNoExpressions(input, hasExpr);
  if (input.ConditionalOperator !== undefined && input.Expected === undefined && input.QueryFilter === undefined && input.ScanFilter === undefined) {
    throw validation("ConditionalOperator can only be used when Filter or Expected has two or more elements");
  }
  return { hasExpr, hasLegacy };
}

export function parseRequestExpressions(input: any, style: ExpressionStyle = checkExpressionParams(input)): ParsedRequest {
  const { hasExpr, hasLegacy } = style;
  const out: ParsedRequest = {};
  if (hasExpr) {
    // Parsed expressions come from a cache keyed by their text (expressions/cache.ts);
    // names and values are resolved and validated against this request's context.
    const ctx = new ExpressionContext(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    if (input.KeyConditionExpression !== undefined) out.keyCondition = conditionExpression(input.KeyConditionExpression, ctx, "KeyConditionExpression");
    if (input.ConditionExpression !== undefined) out.condition = conditionExpression(input.ConditionExpression, ctx, "ConditionExpression");
    if (input.FilterExpression !== undefined) out.filter = conditionExpression(input.FilterExpression, ctx, "FilterExpression");
    if (input.UpdateExpression !== undefined) out.update = updateExpression(input.UpdateExpression, ctx);
    if (input.ProjectionExpression !== undefined) out.projection = projectionExpression(input.ProjectionExpression, ctx);
    ctx.checkUnused();
    return out;
  }
  if (!hasLegacy) return out;
  if (input.Expected) out.condition = expectedToAst(input.Expected, input.ConditionalOperator);
  if (input.QueryFilter) out.filter = conditionsToAst(input.QueryFilter, input.ConditionalOperator, "queryFilter");
  if (input.ScanFilter) out.filter = conditionsToAst(input.ScanFilter, input.ConditionalOperator, "scanFilter");
  if (input.KeyConditions) out.keyCondition = conditionsToAst(input.KeyConditions, undefined, "keyConditions");
  if (input.AttributeUpdates) out.update = attributeUpdatesToActions(input.AttributeUpdates);
  if (input.AttributesToGet) out.projection = attributesToGetPaths(input.AttributesToGet);
  return out;
}
