/**
 * REST-JSON (Lambda, API Gateway): the operation is the method and path (the model's
 * `requestUri`), members travel in the path, query string, headers or a JSON body named
 * by their `locationName`; a `payload` member is the whole body. Answers take the
 * model's status code, bound headers and a JSON body; errors carry their code in
 * `x-amzn-ErrorType` and a JSON `{"message": …}` body.
 */
import { AwsError } from "../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../types.js";
import type { Codec, CodecErrors, DecodedRequest } from "../codec.js";
import { fromWireNames, toWireNames } from "../json-names.js";
import type { ServiceModel } from "../model.js";
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from "../../limits/json-depth.js";
import { boundMembers, outputBindings, RestRouter } from "../rest-bindings.js";
import type { Shapes } from "../shapes.js";
import { jsonText } from "./json.js";

export interface RestJsonCodecOptions {
  /** The JSON body of an error (default `{ message, ...extra }`). */
  errorBody?: (err: AwsError) => Record<string, unknown>;
}

export class RestJsonCodec implements Codec {
  private readonly router: RestRouter;

  constructor(
    private readonly model: ServiceModel,
    private readonly shapes: Shapes,
    private readonly errors: CodecErrors,
    private readonly opts: RestJsonCodecOptions = {},
  ) {
    this.router = new RestRouter(model);
  }

  accepts(): boolean {
    return true;
  }

  decode(req: AwsRequest): DecodedRequest {
    const match = this.router.route(req, this.errors);
    const op = this.model.operations[match.operation]!;
    if (!op.input) return { operation: match.operation, input: {} };
    const { input, body, payload } = boundMembers(this.shapes, op.input, req, match.labels, (m) => this.errors.malformedValue(m));
    if (payload) {
      const [name, traits] = payload;
      const shape = this.shapes.get(traits.shape);
      if (shape.type === "blob" || shape.type === "string") {
        if (req.body.length > 0 || shape.type === "blob") input[name] = shape.type === "blob" ? req.body : req.body.toString("utf8");
      } else if (req.body.length > 0) input[name] = fromWireNames(this.shapes, traits, this.json(req));
    } else if (body.length > 0 && req.body.length > 0) {
      const doc = this.json(req);
      for (const [name, traits] of body) {
        const v = doc[traits.locationName ?? name];
        if (v !== undefined) input[name] = fromWireNames(this.shapes, traits, v);
      }
    }
    return { operation: match.operation, input };
  }

  private json(req: AwsRequest): Record<string, any> {
    let parsed: unknown;
    try {
      const text = req.body.toString("utf8");
      // What walks the parsed body recurses: refuse runaway nesting before parsing it.
      if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) throw new Error(`nested more than ${MAX_JSON_DEPTH} levels deep`);
      parsed = JSON.parse(text);
    } catch (err) {
      throw this.errors.malformedBody(`Could not parse request body into json: ${(err as Error).message}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw this.errors.malformedBody("Could not parse request body into json: expected an object");
    return parsed as Record<string, any>;
  }

  encode(operation: string, output: unknown, req: AwsRequest): AwsResponse {
    const op = this.model.operations[operation]!;
    const out = (output ?? {}) as Record<string, unknown>;
    const { headers, status, body, payload } = outputBindings(this.shapes, op.output, out);
    headers["x-amzn-requestid"] = req.requestId;
    const code = status ?? op.http?.responseCode ?? 200;
    if (payload) {
      const [name, traits] = payload;
      const value = out[name];
      const shape = this.shapes.get(traits.shape);
      if (shape.type === "blob" || shape.type === "string") {
        headers["content-type"] ??= "application/json";
        return { status: code, headers, body: value === undefined ? "" : typeof value === "string" ? value : Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array) };
      }
      headers["content-type"] = "application/json";
      return { status: code, headers, body: jsonText(toWireNames(this.shapes, traits, value ?? {})) };
    }
    if (code === 204) return { status: code, headers };
    const doc: Record<string, unknown> = {};
    for (const [name, traits] of body) {
      const v = out[name];
      if (v !== undefined) doc[traits.locationName ?? name] = toWireNames(this.shapes, traits, v);
    }
    headers["content-type"] = "application/json";
    return { status: code, headers, body: jsonText(doc) };
  }

  encodeError(err: AwsError, req: AwsRequest): AwsResponse {
    const body = this.opts.errorBody?.(err) ?? { message: err.message, ...err.extra };
    return {
      status: err.status,
      headers: { "content-type": "application/json", "x-amzn-errortype": err.code, "x-amzn-requestid": req.requestId },
      body: JSON.stringify(body),
    };
  }
}

