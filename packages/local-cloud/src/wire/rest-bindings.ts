/**
 * The HTTP bindings the REST protocols share (REST-JSON and REST-XML): which operation a
 * method and path are (the model's `requestUri` templates, with `{Label}` and greedy
 * `{Label+}` segments and literal query conditions like `?cors`), and the members that
 * travel in the path, the query string and headers rather than the body — decoded from
 * text by their shape, and written back for answers.
 */
import { AwsError } from "../server/aws-error.js";
import type { AwsRequest } from "../types.js";
import type { CodecErrors } from "./codec.js";
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

  /** The request's operation, or the service's error for a request no operation matches. */
  route(req: AwsRequest, errors: Pick<CodecErrors, "unknownOperation">): RouteMatch {
    const match = this.match(req.method, req.path, req.query);
    if ("miss" in match) throw errors.unknownOperation(req, { wrongMethod: match.miss === "method" });
    return match;
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
 * Where a structure's members travel, worked out once per shape: a request's few headers
 * and parameters are looked up here, and an answer's few members, rather than every
 * member of the shape scanned each time.
 */
interface BindingPlan {
  labels: Array<[name: string, wire: string, traits: MemberTraits]>;
  /** Query parameter → the scalar member it carries, or the list member each value is an item of. */
  query: Map<string, { name: string; traits: MemberTraits; list?: MemberTraits }>;
  /** The map member taking the query parameters no other member names. */
  queryMap?: string;
  /** Lower-case header name → member. */
  headers: Map<string, [name: string, traits: MemberTraits]>;
  /** Header prefix (`x-amz-meta-`) → the map member its headers fill. */
  prefixes: Array<[prefix: string, name: string]>;
  /** Member name → where an answer puts it, for the members bound outside the body. */
  bound: Map<string, { kind: "header" | "headers"; wire: string; traits: MemberTraits } | { kind: "statusCode" }>;
  body: ReadonlyArray<[string, MemberTraits]>;
  payload?: [string, MemberTraits];
}

const plans = new WeakMap<Shapes, Map<string, BindingPlan>>();

function bindingPlan(shapes: Shapes, shapeName: string): BindingPlan {
  let byShape = plans.get(shapes);
  if (!byShape) plans.set(shapes, (byShape = new Map()));
  let plan = byShape.get(shapeName);
  if (plan) return plan;
  const body: Array<[string, MemberTraits]> = [];
  plan = { labels: [], query: new Map(), headers: new Map(), prefixes: [], bound: new Map(), body };
  byShape.set(shapeName, plan);
  const shape = shapes.get(shapeName);
  if (shape.type !== "structure") return plan;
  for (const [name, member] of Object.entries(shape.members)) {
    const traits = memberTraits(member);
    const wire = traits.locationName ?? name;
    switch (traits.location) {
      case "uri":
        plan.labels.push([name, wire, traits]);
        break;
      case "querystring": {
        const memberShape = shapes.get(traits.shape);
        if (memberShape.type === "map") plan.queryMap = name;
        else plan.query.set(wire, { name, traits, list: memberShape.type === "list" ? memberTraits(memberShape.member) : undefined });
        break;
      }
      case "header":
        plan.headers.set(wire.toLowerCase(), [name, traits]);
        plan.bound.set(name, { kind: "header", wire: wire.toLowerCase(), traits });
        break;
      case "headers":
        plan.prefixes.push([wire.toLowerCase(), name]);
        plan.bound.set(name, { kind: "headers", wire: wire.toLowerCase(), traits });
        break;
      case "statusCode":
        plan.bound.set(name, { kind: "statusCode" });
        break;
      default:
        if (shape.payload === name) plan.payload = [name, traits];
        else body.push([name, traits]);
    }
  }
  return plan;
}

/**
 * The input members bound to the path, query string and headers of `req`, decoded.
 * Returns them and the members left for the body (or its payload member).
 */
export function boundMembers(
  shapes: Shapes,
  inputShape: string,
  req: Pick<AwsRequest, "query" | "headers">,
  labels: Record<string, string>,
  malformed: (message: string) => AwsError,
): { input: Record<string, unknown>; body: ReadonlyArray<[string, MemberTraits]>; payload?: [string, MemberTraits] } {
  const plan = bindingPlan(shapes, inputShape);
  const input: Record<string, unknown> = {};
  for (const [name, wire, traits] of plan.labels) if (labels[wire] !== undefined) input[name] = fromText(shapes, traits, labels[wire]!, malformed);
  if (plan.query.size > 0 || plan.queryMap) {
    let unnamed: Record<string, string> | undefined;
    for (const [k, v] of req.query) {
      const bound = plan.query.get(k);
      if (!bound) {
        if (plan.queryMap) (unnamed ??= {})[k] = v;
      } else if (bound.list) {
        ((input[bound.name] ??= []) as unknown[]).push(fromText(shapes, bound.list, v, malformed));
      } else if (!(bound.name in input)) {
        // The first value of a repeated parameter.
        input[bound.name] = fromText(shapes, bound.traits, v, malformed);
      }
    }
    if (unnamed) input[plan.queryMap!] = unnamed;
  }
  for (const header in req.headers) {
    const bound = plan.headers.get(header);
    if (bound) input[bound[0]] = fromText(shapes, bound[1], req.headers[header]!, malformed);
    else {
      for (const [prefix, name] of plan.prefixes) {
        if (header.startsWith(prefix)) ((input[name] ??= {}) as Record<string, string>)[header.slice(prefix.length)] = req.headers[header]!;
      }
    }
  }
  return { input, body: plan.body, payload: plan.payload };
}

/** The headers and status code an output's bound members give, and the members left for the body. */
export function outputBindings(
  shapes: Shapes,
  outputShape: string | undefined,
  output: Record<string, unknown>,
): { headers: Record<string, string>; status?: number; body: ReadonlyArray<[string, MemberTraits]>; payload?: [string, MemberTraits] } {
  const headers: Record<string, string> = {};
  if (outputShape === undefined) return { headers, body: [] };
  const plan = bindingPlan(shapes, outputShape);
  let status: number | undefined;
  for (const name in output) {
    const bound = plan.bound.get(name);
    if (!bound) continue;
    const value = output[name];
    if (bound.kind === "header") {
      if (value !== undefined && value !== null) headers[bound.wire] = toText(shapes, bound.traits, value);
    } else if (bound.kind === "headers") {
      if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) headers[`${bound.wire}${k}`] = String(v);
    } else if (typeof value === "number") status = value;
  }
  return { headers, status, body: plan.body, payload: plan.payload };
}
