/**
 * Request validation of REST methods (`AWS::ApiGateway::RequestValidator` named by a
 * method's `RequestValidatorId`). With `ValidateRequestParameters`, every parameter the
 * method marks required (`RequestParameters: {"method.request.querystring.q": true}`)
 * must be present, else `400 {"message": "Missing required request parameters: [q]"}`
 * (gateway response type BAD_REQUEST_PARAMETERS). With `ValidateRequestBody`, the body
 * must be valid against the method's model for its Content-Type (`RequestModels`, else
 * its `$default` one) — a JSON Schema draft 4 (`AWS::ApiGateway::Model`; one model may
 * `$ref` another by its `https://apigateway.amazonaws.com/restapis/{api}/models/{name}`
 * URL) — else `400 {"message": "Invalid request body"}` (BAD_REQUEST_BODY), the schema
 * errors in `$context.error.validationErrorString`. Parameters are checked first.
 */
import { Validator } from "jsonschema";
import { gatewayError, type GatewayErrorResponse } from "./gateway-responses.js";
import { mediaTypeOf } from "./integration-mapping.js";
import type { MethodParams } from "./mapping-context.js";

type Doc = Record<string, any>;

/** The models of one deployment, ready to validate against. */
export class ModelSchemas {
  private readonly validator = new Validator();
  private readonly schemas = new Map<string, object>();

  constructor(apiId: string, models: Doc[]) {
    for (const model of models) {
      let schema: object;
      try {
        schema = JSON.parse(model.Schema ?? "{}");
      } catch {
        continue; // refused when the model was made
      }
      const id = `https://apigateway.amazonaws.com/restapis/${apiId}/models/${model.Name}`;
      this.validator.addSchema(schema as any, id);
      this.schemas.set(model.Name, schema);
    }
  }

  /** The schema errors of `body` against the model `name`, [] when valid; undefined when there is no such model. */
  errors(name: string, body: unknown): string[] | undefined {
    const schema = this.schemas.get(name);
    if (!schema) return undefined;
    return this.validator.validate(body, schema as any, { nestedErrors: false }).errors.map((e) => e.stack.replace(/^instance\.?/, "").trim() || e.message);
  }
}

export interface ValidatedRequest {
  params: MethodParams;
  /** Query string names present (a repeated or empty one counts). */
  queryNames: Set<string>;
  body: Buffer;
  contentType: string | undefined;
}

/** The answer refusing the request, or undefined when it passes the method's validator. */
export function validateRequest(method: Doc, validator: Doc | undefined, schemas: ModelSchemas, req: ValidatedRequest): GatewayErrorResponse | undefined {
  if (!validator) return undefined;
  if (validator.ValidateRequestParameters) {
    const missing: string[] = [];
    for (const [key, required] of Object.entries(method.RequestParameters ?? {})) {
      if (required !== true && required !== "true") continue;
      const m = /^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.(.+)$/.exec(key);
      if (!m) continue;
      const [, where, name] = m;
      const present = where === "path" ? !!req.params.path[name!]
        : where === "querystring" || where === "multivaluequerystring" ? req.queryNames.has(name!)
        : req.params.header[name!.toLowerCase()] !== undefined;
      if (!present) missing.push(name!);
    }
    if (missing.length) return gatewayError("BAD_REQUEST_PARAMETERS", 400, `Missing required request parameters: [${missing.join(", ")}]`, "BadRequestException");
  }
  if (validator.ValidateRequestBody) {
    const models: Record<string, string> = method.RequestModels ?? {};
    const type = mediaTypeOf(req.contentType) || "application/json";
    const name = Object.entries(models).find(([k]) => k.toLowerCase() === type)?.[1] ?? models["$default"];
    if (!name || name === "Empty") return undefined;
    let body: unknown;
    try {
      body = req.body.length ? JSON.parse(req.body.toString("utf8")) : {};
    } catch {
      return invalidBody(["Invalid JSON in the request body"]);
    }
    const errors = schemas.errors(name, body);
    if (errors?.length) return invalidBody(errors);
  }
  return undefined;
}

function invalidBody(errors: string[]): GatewayErrorResponse {
  const response = gatewayError("BAD_REQUEST_BODY", 400, "Invalid request body", "BadRequestException");
  response.validationErrorString = `[${errors.join(", ")}]`;
  return response;
}
