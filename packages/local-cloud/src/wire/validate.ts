/**
 * Request validation in AWS's order, compiled once per operation from its input shape:
 *
 * 1. every member of the wrong JSON type is a SerializationException (the first found);
 * 2. then every constraint the model states — required members, string and collection
 *    lengths, numeric ranges, patterns, enums — is checked, and all violations are
 *    reported together in one validation error ("2 validation errors detected: …; …").
 *
 * The compiled check is a tree of closures built from the shapes (no shape lookups per
 * request) that walks the input once and only answers "valid or not"; when a request is
 * invalid, constraints.ts walks it again to word every violation.
 */
import type { AwsError } from "../server/aws-error.js";
import { explain, validationMessage, type Violation } from "./constraints.js";
import { memberTraits, type Shape } from "./model.js";
import { hasConstraints, wholeValuePattern, type Shapes } from "./shapes.js";
import { booleanFromString, typeErrorMessage, type Position } from "./type-errors.js";

export interface ValidationErrors {
  /** A member of the wrong type: the protocol's SerializationException. */
  serialization(message: string): AwsError;
  /**
   * Constraint violations: the service's validation error ("ValidationException", IAM's
   * "ValidationError" …). `violations` lets a service word some itself (SQS's MissingParameter).
   */
  validation(message: string, violations: readonly Violation[]): AwsError;
}

/**
 * Validates one decoded input in place (coercing where AWS's deserializer converts, a
 * "true" string for a boolean): throws the serialization error of the first member of
 * the wrong type, then runs `precheck` (checks a service makes between deserializing and
 * validating), then throws one validation error listing every constraint violation.
 */
export type InputValidator = (input: Record<string, unknown>, precheck?: (input: any) => void) => void;

/** How deep a recursive shape's values may nest (DynamoDB allows 32 levels of attribute values). */
const MAX_NESTING = 64;
const NESTING_MESSAGE = "Nesting Levels have exceeded supported limits";

/** Checks the value at holder[key]: throws on a type error, answers whether its constraints hold. */
type Check = (holder: any, key: string | number) => boolean;

class Compiler {
  private readonly cache = new Map<string, Check>();

  constructor(
    private readonly shapes: Shapes,
    private readonly errors: ValidationErrors,
  ) {}

  check(name: string, position: Position, parameterized: boolean): Check {
    const id = `${name}|${position}|${parameterized}`;
    let check = this.cache.get(id);
    if (!check) {
      // Recursive shapes (DynamoDB's AttributeValue) refer to themselves: hand out an
      // indirection first, fill it in once built. The indirection counts how deep the
      // value nests, so no input can run the check out of stack.
      let built: Check | undefined;
      let depth = 0;
      this.cache.set(id, (h, k) => {
        if (++depth > MAX_NESTING) {
          depth = 0;
          throw this.errors.validation(NESTING_MESSAGE, []);
        }
        try {
          return built!(h, k);
        } finally {
          depth--;
        }
      });
      built = this.build(name, this.shapes.get(name), position, parameterized);
      this.cache.set(id, built);
      check = built;
    }
    return check;
  }

  private typeError(name: string, shape: Shape, value: unknown, position: Position, parameterized: boolean): never {
    throw this.errors.serialization(typeErrorMessage(this.shapes, name, shape, value, position, parameterized) ?? "Unexpected field type");
  }

  private build(name: string, shape: Shape, position: Position, parameterized: boolean): Check {
    const constrained = hasConstraints(this.shapes, name);
    const fail = (value: unknown): never => this.typeError(name, shape, value, position, parameterized);
    switch (shape.type) {
      case "structure":
        return this.structure(shape, constrained, fail);
      case "list": {
        const element = this.check(memberTraits(shape.member).shape, "value", isCollection(this.shapes, shape.member));
        const { min, max } = shape;
        return (h, k) => {
          const v = h[k];
          if (!Array.isArray(v)) fail(v);
          let ok = (min === undefined || v.length >= min) && (max === undefined || v.length <= max);
          // A null element is a member that must not be null.
          for (let i = 0; i < v.length; i++) ok = (v[i] !== null && v[i] !== undefined ? element(v, i) : false) && ok;
          return ok;
        };
      }
      case "map": {
        const key = this.stringConstraints(memberTraits(shape.key).shape);
        const value = this.check(memberTraits(shape.value).shape, "value", isCollection(this.shapes, shape.value));
        const { min, max } = shape;
        return (h, k) => {
          const v = h[k];
          if (typeof v !== "object" || v === null || Array.isArray(v)) fail(v);
          let ok = true;
          let size = 0;
          for (const name in v) {
            size++;
            if (key !== undefined && !key(name)) ok = false;
            ok = (v[name] !== null && v[name] !== undefined ? value(v, name) : false) && ok;
          }
          return ok && (min === undefined || size >= min) && (max === undefined || size <= max);
        };
      }
      case "string": {
        const constraints = this.stringConstraints(name);
        if (!constraints) return (h, k) => (typeof h[k] === "string" ? true : fail(h[k]));
        return (h, k) => (typeof h[k] === "string" ? constraints(h[k]) : fail(h[k]));
      }
      case "integer":
      case "long":
      case "double":
      case "float": {
        const { min, max } = shape;
        const whole = shape.type === "integer" || shape.type === "long";
        return (h, k) => {
          let v = h[k];
          if (typeof v !== "number") fail(v);
          // AWS's deserializer truncates a decimal given for an integer member.
          if (whole && !Number.isInteger(v)) h[k] = v = Math.floor(v);
          return (min === undefined || v >= min) && (max === undefined || v <= max);
        };
      }
      case "boolean":
        return (h, k) => {
          const v = h[k];
          if (typeof v === "boolean") return true;
          const b = typeof v === "string" ? booleanFromString(v) : undefined;
          if (b === undefined) fail(v);
          h[k] = b;
          return true;
        };
      case "blob": {
        const { min, max } = shape;
        return (h, k) => {
          const v = h[k];
          // Payload blobs arrive as bytes; blobs inside JSON documents as base64 text.
          if (v instanceof Uint8Array) return (min === undefined || v.length >= min) && (max === undefined || v.length <= max);
          if (typeErrorMessage(this.shapes, name, shape, v, position, parameterized) !== undefined) fail(v);
          if (min === undefined && max === undefined) return true;
          const bytes = Buffer.byteLength(v, "base64");
          return (min === undefined || bytes >= min) && (max === undefined || bytes <= max);
        };
      }
      case "timestamp":
        return (h, k) => {
          const v = h[k];
          if (typeof v === "number" || typeof v === "string" || v instanceof Date) return true;
          return fail(v);
        };
    }
  }

  private structure(shape: Extract<Shape, { type: "structure" }>, constrained: boolean, fail: (v: unknown) => never): Check {
    if (shape.document) return () => true;
    const members: Record<string, Check> = Object.create(null);
    for (const [member, def] of Object.entries(shape.members)) {
      const traits = memberTraits(def);
      // A payload blob is the body itself: bytes, or text taken as it is (not base64).
      if (shape.payload === member && this.shapes.get(traits.shape).type === "blob") {
        const blob = this.shapes.get(traits.shape);
        members[member] = (h, k) => (typeof h[k] === "string" || h[k] instanceof Uint8Array ? true : this.typeError(traits.shape, blob, h[k], "field", false));
      } else members[member] = this.check(traits.shape, "field", false);
    }
    const required = shape.required ?? [];
    return (h, k) => {
      const v = h[k];
      if (typeof v !== "object" || v === null || Array.isArray(v)) fail(v);
      let ok = true;
      for (const name in v) {
        const c = members[name];
        if (c !== undefined && v[name] !== null && v[name] !== undefined) ok = c(v, name) && ok;
      }
      if (constrained) for (let i = 0; i < required.length; i++) if (v[required[i]!] === undefined || v[required[i]!] === null) ok = false;
      return ok;
    };
  }

  /** A string's constraint test (undefined when it has none). */
  private stringConstraints(name: string): ((v: string) => boolean) | undefined {
    const alternative = this.shapes.rules.validateAs?.[name];
    if (alternative) {
      const tests = new Map<string, ((v: string) => boolean) | undefined>();
      return (v) => {
        const as = alternative(v);
        if (!tests.has(as)) tests.set(as, this.plainStringConstraints(as));
        const test = tests.get(as);
        return test === undefined || test(v);
      };
    }
    return this.plainStringConstraints(name);
  }

  private plainStringConstraints(name: string): ((v: string) => boolean) | undefined {
    const shape = this.shapes.get(name);
    if (shape.type !== "string") return undefined;
    const { min, max } = shape;
    const re = shape.pattern !== undefined ? wholeValuePattern(shape.pattern) : null;
    const allowed = shape.enum && this.shapes.rules.enforceEnums !== false ? new Set(shape.enum) : undefined;
    if (min === undefined && max === undefined && !re && !allowed) return undefined;
    return (v) => (min === undefined || v.length >= min) && (max === undefined || v.length <= max) && (re === null || re.test(v)) && (allowed === undefined || allowed.has(v));
  }
}

function isCollection(shapes: Shapes, member: Parameters<typeof memberTraits>[0]): boolean {
  const type = shapes.get(memberTraits(member).shape).type;
  return type === "list" || type === "map";
}

/**
 * One compiler per service: operations sharing shapes share their compiled checks. An
 * operation's check is compiled on its first call: a service declares hundreds of
 * operations, an app calls a few, and compiling all of them was a fifth of the local
 * cloud's start.
 */
export function validatorFactory(shapes: Shapes, errors: ValidationErrors): (inputShape: string | undefined) => InputValidator {
  const compiler = new Compiler(shapes, errors);
  return (inputShape) => {
    if (inputShape === undefined) return (input, precheck) => precheck?.(input);
    let check: Check | undefined;
    return (input, precheck) => {
      const ok = (check ??= compiler.check(inputShape, "field", false))({ input }, "input");
      precheck?.(input);
      if (ok) return;
      const violations: Violation[] = [];
      explain(shapes, inputShape, input, "", violations);
      if (violations.length > 0) throw errors.validation(validationMessage(violations), violations);
    };
  };
}
