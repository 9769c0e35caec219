/**
 * REST-XML (S3, CloudFront): the operation is the method and path (the model's
 * `requestUri`); members travel in the path, query string and headers, or in the body —
 * an XML document, or the raw bytes of a blob payload (an S3 object). Answers carry the
 * bound headers and an XML document (or the payload's bytes); errors are `<Error>`
 * documents. S3 routes some requests by more than method and path (a copy is a PUT with
 * `x-amz-copy-source`), so it uses decodeRestXml/encodeRestXml with its own router.
 */
import { AwsError } from "../../server/aws-error.js";
import { escapeXml, parseXml } from "../../server/xml.js";
import type { AwsRequest, AwsResponse } from "../../types.js";
import type { Codec, CodecErrors, DecodedRequest } from "../codec.js";
import type { OperationModel, ServiceModel } from "../model.js";
import { boundMembers, outputBindings, RestRouter } from "../rest-bindings.js";
import type { Shapes } from "../shapes.js";
import { readStructure } from "../xml-reader.js";
import { structureXml } from "../xml-writer.js";

export interface RestXmlRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

const NOT_WELL_FORMED = "The XML you provided was not well-formed or did not validate against our published schema";

/** The root element's content of an XML body, or malformed when there is no such document. */
function xmlRoot(body: Buffer, root: string, errors: CodecErrors): unknown {
  const malformed = () => errors.malformedBody(NOT_WELL_FORMED);
  const text = body.toString("utf8");
  if (!text.trim()) throw malformed();
  let doc: any;
  try {
    doc = parseXml(text, true);
  } catch {
    throw malformed();
  }
  if (!doc || typeof doc !== "object" || !(root in doc)) throw malformed();
  return doc[root] && typeof doc[root] === "object" ? doc[root] : {};
}

/** An operation's input from a request whose route (and path labels) are known. */
export function decodeRestXml(shapes: Shapes, op: OperationModel, req: RestXmlRequest, labels: Record<string, string>, errors: CodecErrors): Record<string, any> {
  if (!op.input) return {};
  const { input, body, payload } = boundMembers(shapes, op.input, req, labels, errors.malformedValue);
  if (payload) {
    const [name, traits] = payload;
    const shape = shapes.get(traits.shape);
    if (shape.type === "blob") input[name] = req.body;
    else if (shape.type === "string") {
      if (req.body.length > 0) input[name] = req.body.toString("utf8");
    } else if (req.body.length > 0) {
      input[name] = readStructure(shapes, traits.shape, xmlRoot(req.body, traits.locationName ?? traits.shape, errors));
    }
  } else if (body.length > 0 && req.body.length > 0) {
    const doc = readStructure(shapes, op.input, xmlRoot(req.body, shapes.get(op.input).locationName ?? op.input, errors));
    for (const [name] of body) if (doc[name] !== undefined) input[name] = doc[name];
  }
  return input;
}

export interface RestXmlAnswer {
  /** The root element of an XML answer whose output has no payload member. @default the output shape's name */
  root?: string;
  /** The namespace of the answer's root element. */
  xmlns?: string;
  /** The status when the model names none (S3 answers some writes 204). */
  status?: number;
}

/** An answer without a body: a bound Content-Length (HeadObject's) describes what GET would send. */
function emptyAnswer(status: number, headers: Record<string, string>): AwsResponse {
  if (headers["content-length"] === undefined) headers["content-length"] = "0";
  return { status, headers };
}

function xmlAnswer(status: number, headers: Record<string, string>, root: string, ns: string, inner: string): AwsResponse {
  headers["content-type"] = "application/xml";
  return { status, headers, body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${inner}</${root}>` };
}

/** The HTTP answer of an operation's output: bound headers, then the payload or an XML document. */
export function encodeRestXml(shapes: Shapes, op: OperationModel, output: Record<string, unknown>, answer: RestXmlAnswer = {}): AwsResponse {
  const { headers, status, body, payload } = outputBindings(shapes, op.output, output);
  const code = status ?? op.http?.responseCode ?? answer.status ?? 200;
  const ns = answer.xmlns ? ` xmlns="${answer.xmlns}"` : "";
  if (payload) {
    const [name, traits] = payload;
    const shape = shapes.get(traits.shape);
    const value = output[name];
    if (value === undefined) return emptyAnswer(code, headers);
    if (shape.type === "blob" || shape.type === "string") {
      return { status: code, headers, body: typeof value === "string" || Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array) };
    }
    // A payload member may name its document's namespace itself (CloudFront's do).
    const payloadNs = traits.xmlNamespace ? ` xmlns="${traits.xmlNamespace.uri}"` : ns;
    return xmlAnswer(code, headers, traits.locationName ?? traits.shape, payloadNs, structureXml(shapes, traits.shape, value as Record<string, unknown>));
  }
  if (!op.output || body.length === 0 || code === 204) return emptyAnswer(code, headers);
  return xmlAnswer(code, headers, answer.root ?? op.output, ns, structureXml(shapes, op.output, output));
}

/**
 * `<Error><Code/><Message/>…<RequestId/></Error>`: a REST-XML error document, with the
 * error's extra fields as elements (S3's BucketName, Key …) and `trailer` after the id.
 */
export function restXmlErrorDocument(err: AwsError, requestId: string, trailer = ""): string {
  let fields = "";
  for (const [k, v] of Object.entries(err.extra)) if (v !== undefined && v !== null && typeof v !== "object") fields += `<${k}>${escapeXml(String(v))}</${k}>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>` +
    `${fields}<RequestId>${requestId}</RequestId>${trailer}</Error>`
  );
}

/**
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`:
 * the error document of the REST-XML services that wrap it (CloudFront, Route 53).
 */
export function restXmlErrorResponseDocument(err: AwsError, requestId: string, xmlns?: string): string {
  const ns = xmlns ? ` xmlns="${xmlns}"` : "";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns}><Error><Type>${err.fault}</Type><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

export function restXmlError(err: AwsError, requestId: string, body = restXmlErrorDocument(err, requestId)): AwsResponse {
  return { status: err.status, headers: { "content-type": "application/xml", "x-amzn-requestid": requestId }, body };
}

export interface RestXmlCodecOptions {
  /** Errors as `<ErrorResponse>` documents in this namespace (CloudFront's) rather than bare `<Error>`. */
  errorResponseNamespace?: string;
}

/** The REST-XML codec of a service routed by method, path and query alone (CloudFront: its model's paths carry the API version, `/2020-05-31/distribution`). */
export class RestXmlCodec implements Codec {
  private readonly router: RestRouter;

  constructor(
    private readonly model: ServiceModel,
    private readonly shapes: Shapes,
    private readonly errors: CodecErrors,
    private readonly opts: RestXmlCodecOptions = {},
  ) {
    this.router = new RestRouter(model);
  }

  accepts(): boolean {
    return true;
  }

  decode(req: AwsRequest): DecodedRequest {
    const match = this.router.route(req, this.errors);
    return { operation: match.operation, input: decodeRestXml(this.shapes, this.model.operations[match.operation]!, req, match.labels, this.errors) };
  }

  encode(operation: string, output: unknown, req: AwsRequest): AwsResponse {
    const res = encodeRestXml(this.shapes, this.model.operations[operation]!, (output ?? {}) as Record<string, unknown>, { xmlns: this.model.metadata.xmlNamespace });
    res.headers = { ...res.headers, "x-amzn-requestid": req.requestId };
    return res;
  }

  encodeError(err: AwsError, req: AwsRequest): AwsResponse {
    const ns = this.opts.errorResponseNamespace;
    return restXmlError(err, req.requestId, ns === undefined ? undefined : restXmlErrorResponseDocument(err, req.requestId, ns));
  }
}

