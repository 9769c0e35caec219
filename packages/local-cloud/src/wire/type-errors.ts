/**
 * What AWS's JSON front end (coral, Jackson underneath) answers when a member has the
 * wrong JSON type: a SerializationException whose message names the Java type it could
 * not build, e.g. "NUMBER_VALUE cannot be converted to String" or "Unrecognized
 * collection type class java.lang.String".
 *
 * Where the value sits changes the text: a structure that is a member of a structure is
 * a "field", one inside a list or map a "value"; a list or map directly inside another
 * collection is a parameterized type, which Jackson cannot resolve from a scalar.
 */
import { memberTraits, type Shape } from "./model.js";
import type { Shapes } from "./shapes.js";

export type Position = "field" | "value";

const PARAMETERIZED_CAST =
  "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')";

const SCALAR_JAVA: Record<string, string> = {
  string: "String",
  integer: "Integer",
  long: "Long",
  double: "Double",
  float: "Float",
  boolean: "Boolean",
  timestamp: "Date",
};

/** The Java type a shape deserializes to, as Jackson prints it. */
export function javaType(shapes: Shapes, name: string): string {
  const shape = shapes.get(name);
  switch (shape.type) {
    case "structure":
      return `${shapes.rules.javaNamespace ?? "com.amazonaws"}.${name}`;
    case "list":
      return `java.util.List<${javaType(shapes, memberTraits(shape.member).shape)}>`;
    case "map":
      return `java.util.Map<java.lang.String, ${javaType(shapes, memberTraits(shape.value).shape)}>`;
    case "blob":
      return "java.nio.ByteBuffer";
    case "timestamp":
      return "java.util.Date";
    default:
      return `java.lang.${SCALAR_JAVA[shape.type]}`;
  }
}

function scalarToken(value: unknown): string {
  if (typeof value === "boolean") return value ? "TRUE_VALUE" : "FALSE_VALUE";
  if (typeof value === "number") return Number.isInteger(value) ? "NUMBER_VALUE" : "DECIMAL_VALUE";
  return "STRING_VALUE";
}

const START_OF_OBJECT = "Start of structure or map found where not expected";

/**
 * The SerializationException message for `value` where a `shape` (named `name`) was
 * expected, or undefined when the JSON type is acceptable.
 */
export function typeErrorMessage(shapes: Shapes, name: string, shape: Shape, value: unknown, position: Position, parameterized: boolean): string | undefined {
  const isArray = Array.isArray(value);
  const isObject = typeof value === "object" && value !== null && !isArray;
  switch (shape.type) {
    case "string":
      if (typeof value === "string") return undefined;
      if (isArray) return "Unrecognized collection type class java.lang.String";
      if (isObject) return START_OF_OBJECT;
      return `${scalarToken(value)} cannot be converted to String`;
    case "integer":
    case "long":
    case "double":
    case "float":
      if (typeof value === "number") return undefined;
      if (isArray) return `Unrecognized collection type class java.lang.${SCALAR_JAVA[shape.type]}`;
      if (isObject) return START_OF_OBJECT;
      return `${scalarToken(value)} cannot be converted to ${SCALAR_JAVA[shape.type]}`;
    case "boolean":
      if (typeof value === "boolean") return undefined;
      if (typeof value === "string") return booleanFromString(value) === undefined ? "Unexpected token received from parser" : undefined;
      if (isArray) return "Unrecognized collection type class java.lang.Boolean";
      if (isObject) return START_OF_OBJECT;
      return `${scalarToken(value)} cannot be converted to Boolean`;
    case "blob":
      if (typeof value === "string") return base64Problem(value);
      if (isArray) return "Unrecognized collection type class java.nio.ByteBuffer";
      if (isObject) return START_OF_OBJECT;
      return "only base-64-encoded strings are convertible to bytes";
    case "timestamp":
      if (typeof value === "number" || typeof value === "string") return undefined;
      if (isArray) return "Unrecognized collection type class java.util.Date";
      if (isObject) return START_OF_OBJECT;
      return `${scalarToken(value)} cannot be converted to Date`;
    case "list":
      if (isArray) return undefined;
      if (isObject) return START_OF_OBJECT;
      return parameterized ? PARAMETERIZED_CAST : "Unexpected field type";
    case "map":
      if (isObject) return undefined;
      if (isArray) return `Unrecognized collection type ${javaType(shapes, name)}`;
      return parameterized ? PARAMETERIZED_CAST : "Unexpected field type";
    case "structure":
      if (shape.document) return undefined;
      if (isObject) return undefined;
      if (isArray) return `Unrecognized collection type class ${javaType(shapes, name)}`;
      return position === "field" ? "Unexpected field type" : "Unexpected value type in payload";
  }
}

/** Jackson reads "true"/"false", "1"/"0" and "yes"/"no" (any case) as booleans. */
export function booleanFromString(text: string): boolean | undefined {
  switch (text.toLowerCase()) {
    case "true":
    case "1":
    case "yes":
      return true;
    case "false":
    case "0":
    case "no":
      return false;
    default:
      return undefined;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Why a string is not base64 the way AWS decodes it, or undefined when it is. */
export function base64Problem(text: string): string | undefined {
  if (text.length % 4 !== 0) return `Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`;
  if (!BASE64.test(text) || Buffer.from(text, "base64").toString("base64") !== text) return "Invalid last non-pad Base64 character dectected";
  return undefined;
}
