/**
 * Looking shapes up in a generated model, with the per-service adjustments a service may
 * declare where its front end checks differently than its published model says (the
 * message order of an enum, the constraints a member really gets).
 */
import { memberTraits, type Member, type MemberTraits, type ServiceModel, type Shape } from "./model.js";

export interface ShapeRules {
  /**
   * The order an enum's values are listed in "Member must satisfy enum value set: […]"
   * messages, by shape name, where the service does not list them in model order (a
   * set must hold exactly the model's values, or it is ignored).
   */
  enumOrder?: Record<string, string[]>;
  /**
   * Shapes validated as another shape depending on the value: DynamoDB accepts a table
   * ARN where it takes a name, and checks a plain name as `TableName`.
   */
  validateAs?: Record<string, (value: unknown) => string>;
  /** Java namespace of the service's classes, for SerializationException texts. */
  javaNamespace?: string;
  /**
   * Whether enum values are checked with the request. SQS's front end accepts any value
   * and its operations answer an unknown one themselves (InvalidAttributeName …). @default true
   */
  enforceEnums?: boolean;
}

export class Shapes {
  constructor(
    readonly model: ServiceModel,
    readonly rules: ShapeRules = {},
  ) {}

  get(name: string): Shape {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`The ${this.model.metadata.signingName} model has no shape ${name}`);
    return shape;
  }

  member(member: Member): { name: string; shape: Shape; traits: ReturnType<typeof memberTraits> } {
    const traits = memberTraits(member);
    return { name: traits.shape, shape: this.get(traits.shape), traits };
  }

  /** The values of an enum in the order messages list them. */
  enumValues(name: string): readonly string[] | undefined {
    const shape = this.get(name);
    if (shape.type !== "string" || !shape.enum) return undefined;
    const order = this.rules.enumOrder?.[name];
    if (order && order.length === shape.enum.length && order.every((v) => shape.enum!.includes(v))) return order;
    return shape.enum;
  }
}

/** "TableName" → "tableName": how coral names members in messages. */
export function lowerFirst(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

/** Whether any value under the shape can violate a constraint (min/max/pattern/enum/required). */
export function hasConstraints(shapes: Shapes, name: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  if (shapes.rules.validateAs?.[name]) return true;
  const shape = shapes.get(name);
  switch (shape.type) {
    case "structure":
      if (shape.required?.length) return true;
      return Object.values(shape.members).some((m) => hasConstraints(shapes, memberTraits(m).shape, seen));
    case "list":
      return shape.min !== undefined || shape.max !== undefined || hasConstraints(shapes, memberTraits(shape.member).shape, seen);
    case "map":
      return shape.min !== undefined || shape.max !== undefined || hasConstraints(shapes, memberTraits(shape.key).shape, seen) || hasConstraints(shapes, memberTraits(shape.value).shape, seen);
    case "string":
      return shape.min !== undefined || shape.max !== undefined || shape.pattern !== undefined || (shape.enum !== undefined && shapes.rules.enforceEnums !== false);
    case "integer":
    case "long":
    case "double":
    case "float":
    case "blob":
      return shape.min !== undefined || shape.max !== undefined;
    default:
      return false;
  }
}

const patterns = new Map<string, RegExp | null>();

/**
 * A model pattern as a whole-value JavaScript RegExp. Models use Java's syntax; the few
 * patterns JavaScript cannot read are not enforced (null).
 */
export function wholeValuePattern(pattern: string): RegExp | null {
  let re = patterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`, "u");
    } catch {
      try {
        re = new RegExp(`^(?:${pattern})$`);
      } catch {
        re = null;
      }
    }
    patterns.set(pattern, re);
  }
  return re;
}

/**
 * A question about a shape's whole tree, answered once per shape: whether `leaf` holds
 * for the shape or any shape under it (members, list items, map values), or `member`
 * for any structure member on the way. Codecs use it to pass through the shapes that
 * need no conversion without walking their values.
 */
export function shapeTreeTest(
  leaf: (shape: Shape) => boolean,
  member: (name: string, traits: MemberTraits) => boolean = () => false,
): (shapes: Shapes, name: string) => boolean {
  const answers = new WeakMap<Shapes, Map<string, boolean>>();
  const walk = (shapes: Shapes, name: string, seen: Set<string>): boolean => {
    let memo = answers.get(shapes);
    if (!memo) answers.set(shapes, (memo = new Map()));
    const known = memo.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return false;
    seen.add(name);
    const shape = shapes.get(name);
    let result = leaf(shape);
    if (!result && shape.type === "structure") {
      result = Object.entries(shape.members).some(([n, m]) => {
        const t = memberTraits(m);
        return member(n, t) || walk(shapes, t.shape, seen);
      });
    } else if (!result && shape.type === "list") result = walk(shapes, memberTraits(shape.member).shape, seen);
    else if (!result && shape.type === "map") result = walk(shapes, memberTraits(shape.value).shape, seen);
    memo.set(name, result);
    return result;
  };
  return (shapes, name) => {
    // Asked on hot paths (every in-process call): a known answer allocates nothing.
    const known = answers.get(shapes)?.get(name);
    return known !== undefined ? known : walk(shapes, name, new Set());
  };
}
