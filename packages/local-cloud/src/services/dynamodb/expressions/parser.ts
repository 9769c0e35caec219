/**
 * Recursive-descent parser for DynamoDB expressions. Precedence, loosest first:
 * OR, AND, NOT, then the predicates (comparisons, BETWEEN, IN, functions, parentheses).
 * Placeholders are resolved through the request's ExpressionContext while parsing.
 *
 * Without a context (`null`) the parser builds a *template* instead: the AST with
 * placeholders left unresolved (`{ name: "#n" }` path elements, value nodes without a
 * value) and the checks that depend on their values skipped. cache.ts keeps templates by
 * expression text and binds them to each request's names and values.
 */
import { tokenize, syntaxError, type Token } from "./tokenizer.js";
import type { ExpressionContext } from "./context.js";
import type { AttributeValue } from "../attribute-value.js";
import type { Comparator, Condition, Operand, PathNode, PathElement, UpdateAction, UpdateValue, ValueNode } from "./ast.js";
import { validation } from "../errors.js";
import { isReservedWord } from "./reserved-words.js";

const COMPARATORS = new Set(["=", "<>", "<", "<=", ">", ">="]);
const CONDITION_FUNCTIONS = new Set(["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"]);
const TYPE_NAMES = ["B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M"];

class Parser {
  private tokens: Token[];
  private i = 0;

  constructor(
    private source: string,
    readonly kind: string,
    private ctx: ExpressionContext | null,
  ) {
    this.tokens = tokenize(source, kind);
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }
  next(): Token {
    return this.tokens[this.i++]!;
  }
  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === "ident" && t.text.toUpperCase() === word;
  }
  isPunct(p: string): boolean {
    const t = this.peek();
    return t.type === "punct" && t.text === p;
  }
  expectPunct(p: string): void {
    if (!this.isPunct(p)) this.fail();
    this.i++;
  }
  fail(token = this.peek()): never {
    throw syntaxError(this.kind, this.source, token.text, token.pos);
  }
  atEnd(): boolean {
    return this.peek().type === "eof";
  }

  // ---- paths and operands ----

  path(): PathNode {
    const elements: PathElement[] = [{ name: this.pathName() }];
    for (;;) {
      if (this.isPunct(".")) {
        this.i++;
        elements.push({ name: this.pathName() });
      } else if (this.isPunct("[")) {
        this.i++;
        const t = this.next();
        if (t.type !== "number") this.fail(t);
        elements.push({ index: Number(t.text) });
        this.expectPunct("]");
      } else break;
    }
    return { kind: "path", elements };
  }

  pathName(): string {
    const t = this.next();
    // A template keeps the placeholder: identifiers never start with "#".
    if (t.type === "name") return this.ctx ? this.ctx.name(t.text, this.kind) : t.text;
    if (t.type === "ident") {
      if (isReservedWord(t.text)) throw validation(`Invalid ${this.kind}: Attribute name is a reserved keyword; reserved keyword: ${t.text}`);
      return t.text;
    }
    return this.fail(t);
  }

  valueRef(): ValueNode {
    const t = this.next();
    if (t.type !== "value") this.fail(t);
    return { kind: "value", ref: t.text, value: this.ctx ? this.ctx.value(t.text, this.kind) : (undefined as unknown as AttributeValue) };
  }

  /** path | :value | size(path) */
  operand(): Operand {
    const t = this.peek();
    if (t.type === "value") return this.valueRef();
    if (t.type === "ident" && this.peek(1).type === "punct" && this.peek(1).text === "(") {
      return this.functionCall() as Operand;
    }
    if (t.type === "name" || t.type === "ident") return this.path();
    return this.fail();
  }

  /** Parses name(args) and returns either an operand (size) or a condition (predicates). */
  functionCall(): Operand | Condition {
    const nameTok = this.next();
    const name = nameTok.text;
    if (name !== "size" && !CONDITION_FUNCTIONS.has(name)) {
      throw validation(`Invalid ${this.kind}: Invalid function name; function: ${name}`);
    }
    this.expectPunct("(");
    const args: Operand[] = [];
    if (!this.isPunct(")")) {
      args.push(this.operand());
      while (this.isPunct(",")) {
        this.i++;
        args.push(this.operand());
      }
    }
    this.expectPunct(")");
    const arity: Record<string, number> = { size: 1, attribute_exists: 1, attribute_not_exists: 1, attribute_type: 2, begins_with: 2, contains: 2 };
    if (args.length !== arity[name]) {
      throw validation(`Invalid ${this.kind}: Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`);
    }
    if (name === "size") {
      if (args[0]!.kind !== "path") throw validation(`Invalid ${this.kind}: Operator or function requires a document path; operator or function: size`);
      return { kind: "size", path: args[0] as PathNode };
    }
    if ((name === "attribute_exists" || name === "attribute_not_exists" || name === "attribute_type" || name === "contains") && args[0]!.kind !== "path") {
      throw validation(`Invalid ${this.kind}: Operator or function requires a document path; operator or function: ${name}`);
    }
    if (name === "attribute_type") {
      const t = args[1]!;
      if (t.kind !== "value") throw validation(`Invalid ${this.kind}: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: ${t.kind === "size" ? "N" : "path"}`);
      if (this.ctx) checkAttributeTypeName(t.value, this.kind);
    }
    return { kind: "function", name: name as any, args };
  }

  // ---- conditions ----

  condition(): Condition {
    let left = this.andCondition();
    while (this.isKeyword("OR")) {
      this.i++;
      left = { kind: "or", left, right: this.andCondition() };
    }
    return left;
  }

  andCondition(): Condition {
    let left = this.notCondition();
    while (this.isKeyword("AND")) {
      this.i++;
      left = { kind: "and", left, right: this.notCondition() };
    }
    return left;
  }

  notCondition(): Condition {
    if (this.isKeyword("NOT")) {
      this.i++;
      return { kind: "not", operand: this.notCondition() };
    }
    return this.predicate();
  }

  predicate(): Condition {
    if (this.isPunct("(")) {
      this.i++;
      const c = this.condition();
      this.expectPunct(")");
      return c;
    }
    const t = this.peek();
    let left: Operand;
    if (t.type === "ident" && this.peek(1).type === "punct" && this.peek(1).text === "(") {
      const f = this.functionCall();
      if (f.kind === "function") return f;
      left = f as Operand;
    } else {
      left = this.operand();
    }
    const op = this.peek();
    if (op.type === "punct" && COMPARATORS.has(op.text)) {
      this.i++;
      return { kind: "compare", op: op.text as Comparator, left, right: this.comparisonOperand() };
    }
    if (this.isKeyword("BETWEEN")) {
      this.i++;
      const low = this.comparisonOperand();
      if (!this.isKeyword("AND")) this.fail();
      this.i++;
      const high = this.comparisonOperand();
      return { kind: "between", operand: left, low, high };
    }
    if (this.isKeyword("IN")) {
      this.i++;
      this.expectPunct("(");
      const list = [this.comparisonOperand()];
      while (this.isPunct(",")) {
        this.i++;
        list.push(this.comparisonOperand());
      }
      this.expectPunct(")");
      if (list.length > 100) throw validation(`Invalid ${this.kind}: The IN operator is provided with too many operands; number of operands: ${list.length}`);
      return { kind: "in", operand: left, list };
    }
    return this.fail();
  }

  comparisonOperand(): Operand {
    const t = this.peek();
    if (t.type === "ident" && this.peek(1).type === "punct" && this.peek(1).text === "(") {
      const f = this.functionCall();
      if (f.kind === "function") throw validation(`Invalid ${this.kind}: The function is not allowed to be used this way in an expression; function: ${f.name}`);
      return f as Operand;
    }
    return this.operand();
  }

  // ---- update expressions ----

  update(): UpdateAction[] {
    const actions: UpdateAction[] = [];
    const seen = new Set<string>();
    if (this.atEnd()) this.fail();
    while (!this.atEnd()) {
      const t = this.next();
      const section = t.type === "ident" ? t.text.toUpperCase() : "";
      if (!["SET", "REMOVE", "ADD", "DELETE"].includes(section)) this.fail(t);
      if (seen.has(section)) throw validation(`Invalid ${this.kind}: The "${section}" section can only be used once in an update expression;`);
      seen.add(section);
      do {
        if (actions.length && this.isPunct(",")) this.i++;
        const path = this.path();
        if (section === "SET") {
          this.expectPunct("=");
          actions.push({ action: "SET", path, value: this.setValue() });
        } else if (section === "REMOVE") {
          actions.push({ action: "REMOVE", path });
        } else {
          if (this.peek().type !== "value") this.fail();
          actions.push({ action: section as "ADD" | "DELETE", path, value: this.valueRef() });
        }
      } while (this.isPunct(","));
    }
    return actions;
  }

  setValue(): UpdateValue {
    const left = this.setOperand();
    if (this.isPunct("+") || this.isPunct("-")) {
      const op = this.next().text as "+" | "-";
      return { kind: "arith", op, left, right: this.setOperand() };
    }
    return left;
  }

  setOperand(): UpdateValue {
    const t = this.peek();
    if (t.type === "value") return this.valueRef();
    if (t.type === "ident" && this.peek(1).type === "punct" && this.peek(1).text === "(") {
      this.i++;
      const name = t.text;
      if (name !== "if_not_exists" && name !== "list_append") {
        if (name === "size" || CONDITION_FUNCTIONS.has(name)) throw validation(`Invalid ${this.kind}: The function is not allowed in an update expression; function: ${name}`);
        throw validation(`Invalid ${this.kind}: Invalid function name; function: ${name}`);
      }
      this.expectPunct("(");
      const args: UpdateValue[] = [this.setValue()];
      while (this.isPunct(",")) {
        this.i++;
        args.push(this.setValue());
      }
      this.expectPunct(")");
      if (args.length !== 2) throw validation(`Invalid ${this.kind}: Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`);
      if (name === "if_not_exists") {
        if (args[0]!.kind !== "path") throw validation(`Invalid ${this.kind}: Operator or function requires a document path; operator or function: if_not_exists`);
        return { kind: "if_not_exists", path: args[0] as PathNode, fallback: args[1]! };
      }
      return { kind: "list_append", first: args[0]!, second: args[1]! };
    }
    return this.path();
  }

  projection(): PathNode[] {
    const paths = [this.path()];
    while (this.isPunct(",")) {
      this.i++;
      paths.push(this.path());
    }
    return paths;
  }
}

/** attribute_type's second operand must name a type; checked once the value is known. */
export function checkAttributeTypeName(value: AttributeValue, kind: string): void {
  const v = value as any;
  if (!("S" in v)) throw validation(`Invalid ${kind}: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: ${Object.keys(v)[0]}`);
  if (!TYPE_NAMES.includes(v.S)) throw validation(`Invalid ${kind}: Invalid attribute type name found; type: ${v.S}, valid types: { ${TYPE_NAMES.join(",")} }`);
}

function parseWhole<T>(source: string, kind: string, ctx: ExpressionContext | null, rule: (p: Parser) => T): T {
  if (typeof source !== "string" || source.trim() === "") throw validation(`Invalid ${kind}: The expression can not be empty;`);
  if (Buffer.byteLength(source) > 4096) throw validation(`Invalid ${kind}: Expression size has exceeded the maximum allowed size; expression size: ${Buffer.byteLength(source)}`);
  const p = new Parser(source, kind, ctx);
  const result = rule(p);
  if (!p.atEnd()) p.fail();
  return result;
}

export function parseCondition(source: string, ctx: ExpressionContext, kind = "ConditionExpression"): Condition {
  return parseWhole(source, kind, ctx, conditionRule);
}

export function parseUpdate(source: string, ctx: ExpressionContext): UpdateAction[] {
  const actions = parseWhole(source, "UpdateExpression", ctx, updateRule);
  checkOverlaps(actions.map((a) => a.path));
  return actions;
}

export function parseProjection(source: string, ctx: ExpressionContext): PathNode[] {
  const paths = parseWhole(source, "ProjectionExpression", ctx, projectionRule);
  checkOverlaps(paths, "ProjectionExpression");
  return paths;
}

/** Templates (placeholders unresolved; see the top of this file). Overlaps are checked when bound. */
export function parseConditionTemplate(source: string, kind = "ConditionExpression"): Condition {
  return parseWhole(source, kind, null, conditionRule);
}

export function parseUpdateTemplate(source: string): UpdateAction[] {
  return parseWhole(source, "UpdateExpression", null, updateRule);
}

export function parseProjectionTemplate(source: string): PathNode[] {
  return parseWhole(source, "ProjectionExpression", null, projectionRule);
}

function conditionRule(p: Parser): Condition {
  return p.condition();
}

function updateRule(p: Parser): UpdateAction[] {
  return p.update();
}

function projectionRule(p: Parser): PathNode[] {
  return p.projection();
}

function renderPath(p: PathNode): string {
  return "[" + p.elements.map((e) => ("name" in e ? e.name : `[${e.index}]`)).join(", ") + "]";
}

/** DynamoDB refuses two paths where one is (a prefix of) the other. */
export function checkOverlaps(paths: PathNode[], kind = "UpdateExpression"): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const a = paths[i]!.elements;
      const b = paths[j]!.elements;
      const n = Math.min(a.length, b.length);
      let k = 0;
      for (; k < n; k++) {
        const x = a[k]!;
        const y = b[k]!;
        if ("name" in x && "name" in y && x.name === y.name) continue;
        if ("index" in x && "index" in y && x.index === y.index) continue;
        break;
      }
      if (k === n) {
        throw validation(`Invalid ${kind}: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${renderPath(paths[i]!)}, path two: ${renderPath(paths[j]!)}`);
      }
      // Same prefix, then a name where the other has an index: the document shapes conflict.
      if (k < n && (("name" in a[k]!) !== ("name" in b[k]!))) {
        throw validation(`Invalid ${kind}: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${renderPath(paths[i]!)}, path two: ${renderPath(paths[j]!)}`);
      }
    }
  }
}
