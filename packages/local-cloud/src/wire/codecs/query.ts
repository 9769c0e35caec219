/**
 * awsQuery (IAM, STS, SNS, CloudFormation, SQS's older protocol): form-encoded (or
 * query-string) parameters with `Action` and `Version`, nested members flattened into
 * names like `Tags.member.1.Key`, answers as `<ActionResponse><ActionResult>` XML and
 * errors as `<ErrorResponse>`. The parameter names and XML names come from the model.
 */
import { AwsError } from "../../server/aws-error.js";
import { queryErrorResponse } from "../../server/protocols/query.js";
import type { AwsRequest, AwsResponse } from "../../types.js";
import type { Codec, CodecErrors, DecodedRequest } from "../codec.js";
import { memberTraits, type Member, type ServiceModel } from "../model.js";
import { lowerFirst, type Shapes } from "../shapes.js";
import { malformedMessage } from "../constraints.js";
import { structureXml } from "../xml-writer.js";

/** Parameters as a tree: "Tags.member.1.Key" → Tags → member → 1 → Key. */
interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

/** Decoding recurses once per level; no API shape nests anywhere near this deep. */
const MAX_PARAMETER_NESTING = 32;

function paramTree(params: Iterable<[string, string]>, malformed: (message: string) => AwsError): ParamNode {
  const root: ParamNode = {};
  for (const [key, value] of params) {
    const parts = key.split(".");
    if (parts.length > MAX_PARAMETER_NESTING) throw malformed(`The parameter ${key.slice(0, 100)}… is nested more than ${MAX_PARAMETER_NESTING} levels deep`);
    let node = root;
    for (const part of parts) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = {}));
      node = next;
    }
    node.value = value;
  }
  return root;
}

/** The numbered children of a node ("1", "2", …) in number order. */
function numbered(node: ParamNode | undefined): ParamNode[] {
  if (!node?.children) return [];
  return [...node.children.entries()]
    .filter(([k]) => /^\d+$/.test(k))
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, n]) => n);
}

export interface QueryCodecOptions {
  /** The error code an AwsError is answered with (SQS's query codes differ from its JSON ones). */
  errorCode?: (err: AwsError) => string;
  /** Input a service takes from the request beyond its parameters (SQS: the queue URL as the path). */
  fromPath?: (req: AwsRequest, input: Record<string, any>) => void;
}

export class QueryCodec implements Codec {
  private readonly xmlns: string | undefined;

  constructor(
    private readonly model: ServiceModel,
    private readonly shapes: Shapes,
    private readonly errors: CodecErrors,
    private readonly opts: QueryCodecOptions = {},
  ) {
    this.xmlns = model.metadata.xmlNamespace;
  }

  accepts(req: AwsRequest): boolean {
    return req.headers["x-amz-target"] === undefined;
  }

  /** The request's parameters: query string, then a form body. */
  static params(req: AwsRequest): Map<string, string> {
    const params = new Map<string, string>();
    for (const [k, v] of req.query) params.set(k, v);
    const type = req.headers["content-type"] ?? "";
    if (req.body.length > 0 && (type === "" || type.startsWith("application/x-www-form-urlencoded"))) {
      for (const [k, v] of new URLSearchParams(req.body.toString("utf8"))) params.set(k, v);
    }
    return params;
  }

  decode(req: AwsRequest): DecodedRequest {
    const params = QueryCodec.params(req);
    const action = params.get("Action");
    if (!action) throw new AwsError("MissingAction", "Missing Action", 400);
    const op = Object.hasOwn(this.model.operations, action) ? this.model.operations[action] : undefined;
    if (!op) throw this.errors.unknownOperation(req, { name: action });
    params.delete("Action");
    params.delete("Version");
    const input = op.input ? (this.structure(paramTree(params, (m) => this.errors.malformedValue(m)), op.input, "") as Record<string, any>) : {};
    this.opts.fromPath?.(req, input);
    return { operation: action, input };
  }

  private structure(node: ParamNode, shapeName: string, path: string): Record<string, unknown> {
    const shape = this.shapes.get(shapeName);
    const out: Record<string, unknown> = {};
    if (shape.type !== "structure") return out;
    for (const [name, member] of Object.entries(shape.members)) {
      const wire = this.wireName(member, name);
      const child = node.children?.get(wire);
      if (!child) continue;
      const value = this.value(child, member, path ? `${path}.${lowerFirst(name)}` : lowerFirst(name));
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  /** The parameter name a member travels under (a flattened list takes its element's name). */
  private wireName(member: Member, name: string): string {
    const traits = memberTraits(member);
    const shape = this.shapes.get(traits.shape);
    if (shape.type === "list" && (shape.flattened || traits.flattened)) {
      const element = memberTraits(shape.member).locationName;
      if (element) return element;
    }
    return traits.locationName ?? name;
  }

  private value(node: ParamNode, member: Member, path: string): unknown {
    const traits = memberTraits(member);
    const shape = this.shapes.get(traits.shape);
    switch (shape.type) {
      case "structure":
        return this.structure(node, traits.shape, path);
      case "list": {
        if (node.value === "" && !node.children) return [];
        const items = shape.flattened || traits.flattened ? numbered(node) : numbered(node.children?.get(memberTraits(shape.member).locationName ?? "member"));
        return items.map((item, i) => this.value(item, shape.member, `${path}.${i + 1}`));
      }
      case "map": {
        const entries = shape.flattened || traits.flattened ? numbered(node) : numbered(node.children?.get("entry"));
        const keyName = memberTraits(shape.key).locationName ?? "key";
        const valueName = memberTraits(shape.value).locationName ?? "value";
        const out: Record<string, unknown> = {};
        for (const entry of entries) {
          const key = entry.children?.get(keyName)?.value;
          const value = entry.children?.get(valueName);
          if (key === undefined) continue;
          out[key] = value ? this.value(value, shape.value, `${path}.${key}`) : "";
        }
        return out;
      }
      case "integer":
      case "long":
      case "double":
      case "float": {
        const text = node.value ?? "";
        const n = Number(text);
        if (text.trim() === "" || !Number.isFinite(n)) throw this.malformed(text, path, shape.type);
        return n;
      }
      case "boolean": {
        const text = (node.value ?? "").toLowerCase();
        if (text === "true") return true;
        if (text === "false") return false;
        throw this.malformed(node.value ?? "", path, "boolean");
      }
      default:
        return node.value ?? "";
    }
  }

  private malformed(text: string, path: string, type: string): AwsError {
    return this.errors.malformedValue(malformedMessage(text, path, type));
  }

  encode(operation: string, output: unknown, req: AwsRequest): AwsResponse {
    const op = this.model.operations[operation]!;
    const ns = this.xmlns ? ` xmlns="${this.xmlns}"` : "";
    let result = "";
    if (op.output) {
      const wrapper = op.resultWrapper ?? `${operation}Result`;
      result = `<${wrapper}>${structureXml(this.shapes, op.output, (output ?? {}) as Record<string, unknown>)}</${wrapper}>`;
    }
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response${ns}>${result}` +
      `<ResponseMetadata><RequestId>${req.requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    return { status: 200, headers: { "content-type": "text/xml", "x-amzn-requestid": req.requestId }, body };
  }

  encodeError(err: AwsError, req: AwsRequest): AwsResponse {
    const code = this.opts.errorCode?.(err) ?? err.code;
    const e = code === err.code ? err : new AwsError(code, err.message, err.status, {}, err.fault);
    const res = queryErrorResponse(e, req.requestId, this.xmlns);
    res.headers = { ...res.headers, "x-amzn-requestid": req.requestId };
    return res;
  }
}
