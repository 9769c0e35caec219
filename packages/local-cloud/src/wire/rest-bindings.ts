/**
 * The HTTP bindings the REST protocols share (REST-JSON and REST-XML): which operation a
 * method and path are (the model's `requestUri` templates, with `{Label}` and greedy
 * `{Label+}` segments and literal query conditions like `?cors`), and the members that
 * travel in the path, the query string and headers rather than the body — decoded from
 * text by their shape, and written back for answers.
 */
import { AwsError } from "../server/aws-error.js";
import type { AwsRequest } from "../types.js";
import { memberTraits, type MemberTraits, type ServiceModel, type Shape } from "./model.js";
import { lowerFirst, type Shapes } from "./shapes.js";
import { malformedMessage } from "./constraints.js";
import { timestampText } from "./xml-writer.js";

interface Segment {
  literal?: string;
  label?: string;
  greedy?: boolean;
}

interface Route {
  operation: string;
  method: string;
  segments: Segment[];
  /** Literal query conditions: `?uploads` (present) or `?list-type=2` (equal). */
  query: Array<[string, string | undefined]>;
}

export interface RouteMatch {
  operation: string;
  labels: Record<string, string>;
}

function parseTemplate(operation: string, method: string, requestUri: string): Route {
  const [path, query = ""] = requestUri.split("?");
  const segments = path!
    .split("/")
    .filter(Boolean)
    .map((s): Segment => {
      const m = /^\{([^}+]+)(\+)?\}$/.exec(s);
      return m ? { label: m[1], greedy: !!m[2] } : { literal: s };
    });
  const conditions = query
    .split("&")
    .filter(Boolean)
    .map((c): [string, string | undefined] => {
      const eq = c.indexOf("=");
      return eq < 0 ? [c, undefined] : [c.slice(0, eq), c.slice(eq + 1)];
    });
  return { operation, method, segments, query: conditions };
}

function decodeLabel(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AwsError("ValidationException", `Invalid URL encoding in path: ${text}`, 400);
  }
}

/** Matches requests to operations by method, path template and query conditions. */
export class RestRouter {
  private readonly routes: Route[];

  constructor(model: ServiceModel) {
    this.routes = Object.entries(model.operations)
      .filter(([, op]) => op.http)
      .map(([name, op]) => parseTemplate(name, op.http!.method, op.http!.requestUri))
      // The most specific first: more query conditions, then more literal segments.
      .sort((a, b) => b.query.length - a.query.length || literals(b) - literals(a));
  }

  /** The matching operation, or which kind of miss it was. */
  match(method: string, rawPath: string, query: URLSearchParams): RouteMatch | { miss: "path" | "method" } {
    const parts = rawPath.split("/").filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const labels = matchSegments(route.segments, parts);
      if (!labels) continue;
      if (!route.query.every(([k, v]) => (v === undefined ? query.has(k) : query.get(k) === v))) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      return { operation: route.operation, labels };
    }
    return { miss: pathMatched ? "method" : "path" };
  }
}

function literals(route: Route): number {
  return route.segments.filter((s) => s.literal !== undefined).length;
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.greedy) {
      if (i >= parts.length) return undefined;
      labels[s.label!] = parts.slice(i).map(decodeLabel).join("/");
      return labels;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (s.literal !== undefined) {
      if (s.literal !== part) return undefined;
    } else labels[s.label!] = decodeLabel(part);
  }
  return parts.length === segments.length ? labels : undefined;
}

/** A member's value from the text of a path label, query parameter or header. */
export function fromText(shapes: Shapes, traits: MemberTraits, text: string, malformed: (message: string) => AwsError): unknown {
  const shape: Shape = shapes.get(traits.shape);
  switch (shape.type) {
    case "integer":
    case "long":
    case "double":
    case "float": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) throw malformed(malformedMessage(text, lowerFirst(traits.locationName ?? traits.shape), shape.type));
      return n;
    }
    case "boolean":
      if (text === "true") return true;
      if (text === "false") return false;
      throw malformed(malformedMessage(text, lowerFirst(traits.locationName ?? traits.shape), "boolean"));
    case "string":
      if (traits.jsonvalue) {
        try {
          return JSON.parse(Buffer.from(text, "base64").toString("utf8"));
        } catch {
          throw malformed(`Value at '${traits.locationName}' is not base64-encoded JSON`);
        }
      }
      return text;
    default:
      return text;
  }
}

/** The text a member's value is written as in a header. */
export function toText(shapes: Shapes, traits: MemberTraits, value: unknown): string {
  const shape = shapes.get(traits.shape);
  if (shape.type === "timestamp") return timestampText(value, traits.timestampFormat ?? shape.timestampFormat ?? "rfc822");
  if (traits.jsonvalue) return Buffer.from(JSON.stringify(value)).toString("base64");
  if (shape.type === "list" && Array.isArray(value)) return value.join(",");
  return String(value);
}

/**
 * The input members bound to the path, query string and headers of `req`, decoded.
 * Returns them and the names of the members left for the body.
 */
export function boundMembers(
  shapes: Shapes,
  inputShape: string,
  req: AwsRequest,
  labels: Record<string, string>,
  malformed: (message: string) => AwsError,
): { input: Record<string, unknown>; body: Array<[string, MemberTraits]>; payload?: [string, MemberTraits] } {
  const shape = shapes.get(inputShape);
  const input: Record<string, unknown> = {};
  const body: Array<[string, MemberTraits]> = [];
  let payload: [string, MemberTraits] | undefined;
  if (shape.type !== "structure") return { input, body };
  for (const [name, member] of Object.entries(shape.members)) {
    const traits = memberTraits(member);
    const wire = traits.locationName ?? name;
    switch (traits.location) {
      case "uri":
        if (labels[wire] !== undefined) input[name] = fromText(shapes, traits, labels[wire]!, malformed);
        break;
      case "querystring": {
        const memberShape = shapes.get(traits.shape);
        if (memberShape.type === "list") {
          const all = req.query.getAll(wire);
          if (all.length > 0) input[name] = all.map((v) => fromText(shapes, memberTraits(memberShape.member), v, malformed));
        } else if (memberShape.type === "map") {
          // A map bound to the query string takes the parameters no other member names.
          const named = new Set(Object.values(shape.members).map((m) => memberTraits(m).locationName));
          const map: Record<string, string> = {};
          for (const [k, v] of req.query) if (!named.has(k)) map[k] = v;
          if (Object.keys(map).length > 0) input[name] = map;
        } else {
          const v = req.query.get(wire);
          if (v !== null) input[name] = fromText(shapes, traits, v, malformed);
        }
        break;
      }
      case "header": {
        const v = req.headers[wire.toLowerCase()];
        if (v !== undefined) input[name] = fromText(shapes, traits, v, malformed);
        break;
      }
      case "headers": {
        const prefix = wire.toLowerCase();
        const map: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (k.startsWith(prefix)) map[k.slice(prefix.length)] = v;
        if (Object.keys(map).length > 0) input[name] = map;
        break;
      }
      case "statusCode":
        break;
      default:
        if (shape.payload === name) payload = [name, traits];
        else body.push([name, traits]);
    }
  }
  return { input, body, payload };
}

/** The headers and status code an output's bound members give, and the members left for the body. */
export function outputBindings(
  shapes: Shapes,
  outputShape: string | undefined,
  output: Record<string, unknown>,
): { headers: Record<string, string>; status?: number; body: Array<[string, MemberTraits]>; payload?: [string, MemberTraits] } {
  const headers: Record<string, string> = {};
  const body: Array<[string, MemberTraits]> = [];
  let status: number | undefined;
  let payload: [string, MemberTraits] | undefined;
  if (outputShape === undefined) return { headers, body };
  const shape = shapes.get(outputShape);
  if (shape.type !== "structure") return { headers, body };
  for (const [name, member] of Object.entries(shape.members)) {
    const traits = memberTraits(member);
    const value = output[name];
    switch (traits.location) {
      case "header":
        if (value !== undefined && value !== null) headers[(traits.locationName ?? name).toLowerCase()] = toText(shapes, traits, value);
        break;
      case "headers":
        if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) headers[`${(traits.locationName ?? name).toLowerCase()}${k}`] = String(v);
        break;
      case "statusCode":
        if (typeof value === "number") status = value;
        break;
      default:
        if (shape.payload === name) payload = [name, traits];
        else body.push([name, traits]);
    }
  }
  return { headers, status, body, payload };
}
