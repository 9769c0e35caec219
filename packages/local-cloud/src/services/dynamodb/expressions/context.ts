/**
 * ExpressionAttributeNames / ExpressionAttributeValues of one request: resolves
 * placeholders while parsing, remembers which were used, and reports DynamoDB's errors
 * for undefined and unused ones.
 */
import { normalizeValue, type AttributeValue } from "../attribute-value.js";
import { validation } from "../errors.js";

export class ExpressionContext {
  private usedNames = new Set<string>();
  private usedValues = new Set<string>();
  private normalized = new Map<string, AttributeValue>();

  constructor(
    readonly names: Record<string, string> | undefined,
    readonly values: Record<string, any> | undefined,
  ) {
    if (names !== undefined && names !== null && Object.keys(names).length === 0) {
      throw validation("ExpressionAttributeNames must not be empty");
    }
    if (values !== undefined && values !== null && Object.keys(values).length === 0) {
      throw validation("ExpressionAttributeValues must not be empty");
    }
    for (const k of Object.keys(names ?? {})) {
      if (!/^#[A-Za-z0-9_]+$/.test(k)) throw validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${k}"`);
    }
    for (const k of Object.keys(values ?? {})) {
      if (!/^:[A-Za-z0-9_]+$/.test(k)) throw validation(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${k}"`);
    }
  }

  /** Called when a request carries names/values but no expression at all. */
  static checkNoExpressions(input: any, hasExpression: boolean): void {
    if (hasExpression) return;
    if (input.ExpressionAttributeNames) throw validation("ExpressionAttributeNames can only be specified when using expressions");
    if (input.ExpressionAttributeValues) throw validation("ExpressionAttributeValues can only be specified when using expressions");
  }

  name(ref: string, kind: string): string {
    const n = this.names?.[ref];
    if (n === undefined) throw validation(`Invalid ${kind}: An expression attribute name used in the document path is not defined; attribute name: ${ref}`);
    this.usedNames.add(ref);
    return n;
  }

  value(ref: string, kind: string): AttributeValue {
    const raw = this.values?.[ref];
    if (raw === undefined) throw validation(`Invalid ${kind}: An expression attribute value used in expression is not defined; attribute value: ${ref}`);
    this.usedValues.add(ref);
    let v = this.normalized.get(ref);
    if (!v) {
      try {
        v = normalizeValue(raw);
      } catch (e: any) {
        throw validation(`ExpressionAttributeValues contains invalid value: ${e.message} for key ${ref}`);
      }
      this.normalized.set(ref, v);
    }
    return v;
  }

  /** After every expression of the request is parsed. */
  checkUnused(): void {
    const unusedNames = Object.keys(this.names ?? {}).filter((k) => !this.usedNames.has(k));
    if (unusedNames.length) throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(", ")}}`);
    const unusedValues = Object.keys(this.values ?? {}).filter((k) => !this.usedValues.has(k));
    if (unusedValues.length) throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(", ")}}`);
  }
}
