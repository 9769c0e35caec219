/**
 * Runs a service's declared operations, over the wire and in-process, in the order AWS
 * checks a request:
 *
 *   decode (the protocol's codec: unknown operation, unreadable body)
 *   → SerializationException (a member of the wrong type)
 *   → the service's own pre-validation checks
 *   → constraint validation (every violation in one message)
 *   → IAM (the declared action on the declared resource)
 *   → the implementation (semantic checks, resource lookups, the work)
 *   → encode (the protocol's answer or error shape).
 */
import { AwsError } from "../server/aws-error.js";
import type { Kernel } from "../kernel/kernel.js";
import { callContext } from "../kernel/admin.js";
import type { AwsRequest, AwsResponse, CallContext } from "../types.js";
import type { Codec } from "./codec.js";
import { JsonCodec } from "./codecs/json.js";
import { QueryCodec } from "./codecs/query.js";
import { RestJsonCodec } from "./codecs/rest-json.js";
import { RestXmlCodec } from "./codecs/rest-xml.js";
import { inProcessBlobs } from "./in-process.js";
import type { ServiceModel } from "./model.js";
import type { Authorization, OperationSpec, ServiceDefinition } from "./operations.js";
import { Shapes } from "./shapes.js";
import { validatorFactory, type InputValidator } from "./validate.js";

interface Operation<C> {
  name: string;
  spec: OperationSpec<C>;
  validate: InputValidator;
  shapes: Shapes;
  inputShape?: string;
}

export class OperationHost<C> {
  private readonly operations = new Map<string, Operation<C>>();
  private readonly codecs: Codec[] = [];

  constructor(
    private readonly kernel: Pick<Kernel, "region" | "authorize">,
    private readonly def: ServiceDefinition<C>,
  ) {
    const validationErrors = {
      serialization: def.errors.serialization ?? ((m: string) => new AwsError("SerializationException", m, 400)),
      validation: def.errors.validation,
    };
    const codecErrors = {
      unknownOperation: def.errors.unknownOperation,
      malformedBody: def.errors.malformedBody,
      malformedValue: def.errors.malformedValue ?? ((message: string) => def.errors.validation(message, [])),
    };
    const jsonModels: ServiceModel[] = [];
    for (const model of def.models) {
      const shapes = new Shapes(model, def.rules);
      const validator = validatorFactory(shapes, validationErrors);
      for (const [name, op] of Object.entries(model.operations)) {
        const spec = def.operations[name];
        if (!spec) throw new Error(`${def.signingName}: operation ${name} is in the model but not declared`);
        this.operations.set(name, { name, spec, validate: validator(op.input), shapes, inputShape: op.input });
      }
      if (def.codec) {
        this.codecs.push(def.codec(model, shapes, codecErrors));
        continue;
      }
      switch (model.metadata.protocol) {
        case "json":
          jsonModels.push(model);
          if (model.metadata.awsQueryCompatible) this.codecs.push(new QueryCodec(model, shapes, codecErrors, def.query));
          break;
        case "query":
          this.codecs.push(new QueryCodec(model, shapes, codecErrors, def.query));
          break;
        case "rest-json":
          this.codecs.push(new RestJsonCodec(model, shapes, codecErrors, def.restJson));
          break;
        case "rest-xml":
          this.codecs.push(new RestXmlCodec(model, shapes, codecErrors, def.restXml));
          break;
      }
    }
    if (jsonModels.length > 0) this.codecs.unshift(new JsonCodec(jsonModels, codecErrors, def.json));
    for (const name of Object.keys(def.operations)) {
      if (!this.operations.has(name)) throw new Error(`${def.signingName}: operation ${name} is declared but not in the model (add it to wire/models/operations.json)`);
    }
  }

  /** The codec a request speaks (JSON by its target header; otherwise the service's other protocol). */
  codecFor(req: AwsRequest): Codec {
    for (const codec of this.codecs) if (codec.accepts(req)) return codec;
    return this.codecs[0]!;
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const codec = this.codecFor(req);
    let operation: string | undefined;
    try {
      const decoded = codec.decode(req);
      operation = decoded.operation;
      const output = this.run(decoded.operation, decoded.input, { region: req.region || this.kernel.region, principal: req.principal, requestId: req.requestId });
      const done = output instanceof Promise ? await output : output;
      const settled = this.def.settle?.("wire");
      if (settled) await settled;
      return codec.encode(decoded.operation, done, req);
    } catch (err) {
      // An error may rest on writes still waiting for their commit (a failed condition):
      // it too is answered only once they are durable.
      const settled = this.def.settle?.("wire");
      if (settled) await settled.catch(() => {});
      return codec.encodeError(this.toAwsError(err, operation), req);
    }
  }

  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    const op = this.operations.get(operation);
    if (!op) throw this.def.errors.unknownOperation(undefined, { name: operation });
    const raw = input && typeof input === "object" ? input : {};
    const wireInput = this.def.inProcessInput ? this.def.inProcessInput(raw) : op.inputShape ? inProcessBlobs(op.shapes, op.inputShape, raw) : raw;
    try {
      const output = await this.run(operation, wireInput, callContext(this.kernel.region, ctx));
      const settled = this.def.settle?.("call");
      if (settled) await settled;
      return this.def.inProcessOutput ? this.def.inProcessOutput(output) : output;
    } catch (err) {
      const settled = this.def.settle?.("call");
      if (settled) await settled.catch(() => {});
      throw err;
    }
  }

  /** Validate, authorize, run: the output, or a promise of it for asynchronous operations. */
  private run(operation: string, input: Record<string, any>, call: CallContext): unknown {
    const op = this.operations.get(operation);
    if (!op) throw this.def.errors.unknownOperation(undefined, { name: operation });
    op.validate(input, op.spec.precheck);
    const ctx = this.def.context(call);
    const iam = op.spec.iam;
    if (typeof iam === "function" && !call.principal.admin) this.authorize(call, iam(input, ctx));
    return op.spec.run(input, ctx);
  }

  private authorize(call: CallContext, checks: Authorization | readonly Authorization[]): void {
    const deny = this.def.errors.accessDenied;
    for (const check of Array.isArray(checks) ? (checks as readonly Authorization[]) : [checks as Authorization]) {
      this.kernel.authorize(call, check.action, check.resource as string | string[], deny, check.conditions);
    }
  }

  private toAwsError(err: unknown, operation: string | undefined): AwsError {
    if (err instanceof AwsError) return err;
    if (operation) console.error(`[local-cloud] ${this.def.signingName} ${operation} failed`, err);
    return this.def.errors.internal(err);
  }
}
