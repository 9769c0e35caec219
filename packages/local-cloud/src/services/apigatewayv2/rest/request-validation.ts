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
 * errors in `$context.error.validationErrorString`, worded as API Gateway words them.
 * Parameters are checked first.
 */
import { Validator, type ValidationError } from "jsonschema";
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

  /** The schema errors of `body` against the model `name`, in API Gateway's words, [] when valid; undefined when there is no such model. */
  errors(name: string, body: unknown): string[] | undefined {
    const schema = this.schemas.get(name);
    if (!schema) return undefined;
    return inApiGatewayWords(this.validator.validate(body, schema as any, { nestedErrors: false }).errors);
  }
}

const json = (v: unknown) => JSON.stringify(v);
const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);

/**
 * The schema errors as API Gateway's validator words them (its Java JSON Schema library:
 * "object has missing required properties (["name"])", "numeric instance is lower than
 * the required minimum (minimum: 0, found: -1)" …); a keyword without a known wording
 * keeps the jsonschema package's message. The missing properties of one object are one error.
 */
function inApiGatewayWords(errors: ValidationError[]): string[] {
  const out: string[] = [];
  const missing = new Map<string, string[]>();
  for (const e of errors) {
    const arg = e.argument as any;
    const instance = e.instance as any;
    switch (e.name) {
      case "required": {
        const list = missing.get(e.property) ?? [];
        if (!list.length) (missing.set(e.property, list), out.push(`\0${e.property}`));
        list.push(String(arg));
        break;
      }
      case "type": out.push(`instance type (${jsonType(instance)}) does not match any allowed primitive type (allowed: ${json([].concat(arg))})`); break;
      case "minimum": out.push(`numeric instance is lower than the required minimum (minimum: ${arg}, found: ${instance})`); break;
      case "maximum": out.push(`numeric instance is greater than the required maximum (maximum: ${arg}, found: ${instance})`); break;
      case "minLength": out.push(`string ${json(instance)} is too short (length: ${String(instance).length}, required minimum: ${arg})`); break;
      case "maxLength": out.push(`string ${json(instance)} is too long (length: ${String(instance).length}, maximum allowed: ${arg})`); break;
      case "enum": out.push(`instance value (${json(instance)}) not found in enum (possible values: ${json(arg)})`); break;
      case "pattern": out.push(`ECMA 262 regex ${json(String(arg))} does not match input string ${json(instance)}`); break;
      case "additionalProperties": out.push(`object instance has properties which are not allowed by the schema: ${json([arg])}`); break;
      case "minItems": out.push(`array is too short: must have at least ${arg} elements but instance has ${instance?.length} elements`); break;
      case "maxItems": out.push(`array is too long: must have at most ${arg} elements but instance has ${instance?.length} elements`); break;
      default: out.push(e.stack.replace(/^instance\.?/, "").trim() || e.message);
    }
  }
  return out.map((line) => (line.startsWith("\0") ? `object has missing required properties (${json([...missing.get(line.slice(1))!].sort())})` : line));
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
    if (!name) return undefined;
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
