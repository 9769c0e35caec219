/**
 * The GraphQL data plane of AppSync APIs: `POST {endpoint}/_aws/appsync/{apiId}/graphql`
 * (the API's GraphQLUrl). The request is authorized (an API key in `x-api-key`), then
 * executed with the `graphql` package against the API's schema: a field with a resolver
 * goes to its data source — a Lambda function called with the event AppSync sends
 * (direct resolvers), or through the resolver's VTL mapping templates for Lambda,
 * NONE and DynamoDB data sources (the local cloud's DynamoDB, as the admin: the data
 * source's service role is not checked) — and every other field takes the parent's property of its name,
 * as AppSync does. Answers and errors have AppSync's shapes.
 */
import { randomUUID } from "node:crypto";
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type FieldNode, type GraphQLResolveInfo, type GraphQLSchema, type SelectionSetNode } from "graphql";
import type { AwsRequest, AwsResponse } from "../../types.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../lambda-proxy/lambda-invoke.js";
import { buildAppSyncSchema } from "./schema.js";
import { renderMappingTemplate, type TemplateContext } from "./mapping-template.js";
import type { AppSyncStore } from "./store.js";
import { DynamoRequestError, runDynamoDbRequest, type DynamoDbCaller } from "./dynamodb-resolver.js";

type Doc = Record<string, any>;

export interface AppSyncDataPlaneDeps {
  store: AppSyncStore;
  lambda: () => LambdaInvoker | undefined;
  dynamodb: () => DynamoDbCaller | undefined;
}

/** An API ready to execute: its schema compiled once per change of the store. */
interface CompiledApi {
  api: Doc;
  schema?: GraphQLSchema;
  resolvers: Map<string, Doc>;
  dataSources: Map<string, Doc>;
  /** Queries already parsed and validated against this schema (clients send the same few again and again). */
  documents: Map<string, DocumentNode>;
}

const MAX_CACHED_DOCUMENTS = 500;

/** A resolver failure, reported in `errors` with AppSync's errorType. */
class ResolverError extends Error {
  constructor(message: string, readonly errorType: string, readonly data: unknown = null, readonly errorInfo: unknown = null) {
    super(message);
  }
}

const LAMBDA_TIMEOUT_MS = 30_000;

export class AppSyncDataPlane {
  private generation = -1;
  private readonly compiled = new Map<string, CompiledApi>();

  constructor(private readonly deps: AppSyncDataPlaneDeps) {}

  async handle(req: AwsRequest, apiId: string, path: string): Promise<AwsResponse> {
    const requestId = randomUUID();
    const cors = { "access-control-allow-origin": "*", "access-control-expose-headers": "x-amzn-RequestId,x-amzn-ErrorType,x-amz-user-agent,x-amzn-ErrorMessage,Date,x-amz-schema-version" };
    if (req.method.toUpperCase() === "OPTIONS") {
      return { status: 200, headers: { ...cors, "access-control-allow-methods": "GET,POST,OPTIONS", "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*", "access-control-max-age": "86400", "x-amzn-requestid": requestId }, body: "" };
    }
    const answer = (status: number, body: unknown, errorType?: string): AwsResponse => ({
      status,
      headers: { "content-type": "application/json; charset=UTF-8", "x-amzn-requestid": requestId, ...cors, ...(errorType ? { "x-amzn-errortype": errorType } : {}) },
      body: JSON.stringify(body),
    });
    const error = (status: number, errorType: string, message: string) => answer(status, { errors: [{ errorType, message }] }, `${errorType}:`);
    try {
      const compiled = this.compiledApi(apiId);
      if (!compiled || path !== "/graphql") return error(404, "NotFoundException", "Resource not found");
      if (req.method.toUpperCase() !== "POST") return error(405, "MethodNotAllowedException", `Method ${req.method} is not allowed`);
      const denied = this.authorize(compiled, req);
      if (denied) return error(401, "UnauthorizedException", denied);
      let body: Doc;
      try {
        body = JSON.parse(req.body.toString("utf8") || "null");
      } catch {
        return error(400, "MalformedHttpRequestException", "The request body is not valid JSON.");
      }
      if (!body || typeof body.query !== "string") return error(400, "MalformedHttpRequestException", "Invalid request, `query` can't be null.");
      if (!compiled.schema) return error(400, "BadRequestException", "The GraphQL API has no schema.");
      let document = compiled.documents.get(body.query);
      if (!document) {
        try {
          document = parse(body.query);
        } catch (err) {
          return answer(400, { errors: [{ errorType: "MalformedHttpRequestException", message: (err as Error).message, locations: (err as GraphQLError).locations ?? [] }] });
        }
        const invalid = validate(compiled.schema, document);
        if (invalid.length) {
          return answer(400, { data: null, errors: invalid.map((e) => ({ path: null, locations: e.locations ?? null, message: `Validation error: ${e.message}`, errorType: "ValidationError" })) });
        }
        if (compiled.documents.size >= MAX_CACHED_DOCUMENTS) compiled.documents.clear();
        compiled.documents.set(body.query, document);
      }
      const result = await execute({
        schema: compiled.schema,
        document,
        variableValues: body.variables ?? undefined,
        operationName: body.operationName ?? undefined,
        contextValue: { req, variables: body.variables ?? {} },
        fieldResolver: (source, args, context, info) => this.resolveField(compiled, source, args, context, info),
      });
      const out: Doc = { data: result.data ?? null };
      if (result.errors?.length) out.errors = result.errors.map(formatError);
      return answer(200, out);
    } catch (err) {
      console.error(`[local-cloud] appsync ${apiId} failed`, err);
      return error(500, "InternalFailure", "An internal failure occurred.");
    }
  }

  private compiledApi(apiId: string): CompiledApi | undefined {
    const { store } = this.deps;
    if (this.generation !== store.generation) {
      this.compiled.clear();
      this.generation = store.generation;
    }
    let compiled = this.compiled.get(apiId);
    if (!compiled) {
      const api = store.get<Doc>(apiId, "api", apiId);
      if (!api) return undefined;
      const definition = store.get<Doc>(apiId, "schema", apiId)?.Definition;
      compiled = {
        api,
        schema: definition ? buildAppSyncSchema(definition) : undefined,
        resolvers: new Map(store.list<Doc>(apiId, "resolver").map((r) => [`${r.TypeName}.${r.FieldName}`, r])),
        dataSources: new Map(store.list<Doc>(apiId, "datasource").map((d) => [d.Name, d])),
        documents: new Map(),
      };
      this.compiled.set(apiId, compiled);
    }
    return compiled;
  }

  /** Undefined when the request may go on, else AppSync's message for the 401. */
  private authorize(compiled: CompiledApi, req: AwsRequest): string | undefined {
    const modes = [compiled.api.AuthenticationType, ...(compiled.api.AdditionalAuthenticationProviders ?? []).map((p: Doc) => p.AuthenticationType)];
    const key = req.headers["x-api-key"];
    if (modes.includes("API_KEY") && key) {
      const found = this.deps.store.get<Doc>(compiled.api.ApiId, "apikey", key);
      if (found && (!found.Expires || found.Expires * 1000 > Date.now())) return undefined;
      return "You are not authorized to make this call.";
    }
    // IAM, Cognito, OIDC and Lambda authorization are not checked locally: such requests are refused
    return "Valid authorization header not provided.";
  }

  private async resolveField(compiled: CompiledApi, source: any, args: Doc, context: { req: AwsRequest; variables: Doc }, info: GraphQLResolveInfo): Promise<unknown> {
    const resolver = compiled.resolvers.get(`${info.parentType.name}.${info.fieldName}`);
    if (!resolver) return source && typeof source === "object" ? source[info.fieldName] : undefined;
    if (resolver.Unsupported) throw new ResolverError(`${info.parentType.name}.${info.fieldName}: ${resolver.Unsupported}.`, "UnsupportedResolver");
    const dataSource = compiled.dataSources.get(resolver.DataSourceName);
    if (!dataSource) throw new ResolverError(`No data source ${resolver.DataSourceName} for ${info.parentType.name}.${info.fieldName}.`, "MappingTemplate");
    const event = {
      arguments: args,
      identity: null,
      source: source ?? null,
      request: { headers: context.req.headers, domainName: null },
      prev: null,
      info: {
        fieldName: info.fieldName,
        parentTypeName: info.parentType.name,
        variables: context.variables,
        selectionSetList: [...new Set(selectionSetList(info.fieldNodes[0]?.selectionSet, info))],
        selectionSetGraphQL: info.fieldNodes[0]?.selectionSet ? printSelection(info.fieldNodes[0].loc?.source.body, info.fieldNodes[0].selectionSet) : "",
      },
      stash: {},
    };
    const templateContext: TemplateContext = { arguments: args, source: source ?? null, identity: null, request: event.request, info: event.info, stash: {}, prev: null };
    let payload: unknown = event;
    if (resolver.RequestMappingTemplate) {
      const rendered = renderMappingTemplate(resolver.RequestMappingTemplate, templateContext);
      if (rendered.error) throw new ResolverError(rendered.error.message, rendered.error.type ?? "MappingTemplate", rendered.error.data, rendered.error.info);
      let request: Doc;
      try {
        request = JSON.parse(rendered.output);
      } catch {
        throw new ResolverError("Unable to parse the JSON document produced by the request mapping template.", "MappingTemplate");
      }
      payload = dataSource.Type === "AMAZON_DYNAMODB" ? request : request.payload ?? null;
    } else if (dataSource.Type !== "AWS_LAMBDA") {
      throw new ResolverError(`${info.parentType.name}.${info.fieldName}: a ${dataSource.Type} data source needs a request mapping template.`, "MappingTemplate");
    }
    let result: unknown;
    if (dataSource.Type === "NONE") result = payload;
    else if (dataSource.Type === "AWS_LAMBDA") result = await this.invoke(dataSource, payload);
    else if (dataSource.Type === "AMAZON_DYNAMODB") result = await this.queryDynamoDb(dataSource, payload as Doc);
    else throw new ResolverError(`The local cloud does not serve ${dataSource.Type} data sources (data source ${dataSource.Name}).`, "UnsupportedDataSource");
    if (!resolver.ResponseMappingTemplate) return result;
    const rendered = renderMappingTemplate(resolver.ResponseMappingTemplate, { ...templateContext, result });
    if (rendered.error) throw new ResolverError(rendered.error.message, rendered.error.type ?? "MappingTemplate", rendered.error.data, rendered.error.info);
    const text = rendered.output.trim();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  private async queryDynamoDb(dataSource: Doc, request: Doc): Promise<unknown> {
    const dynamodb = this.deps.dynamodb();
    if (!dynamodb) throw new ResolverError("The local cloud has no DynamoDB service.", "DynamoDB:InternalFailure");
    try {
      return await runDynamoDbRequest(dynamodb, String(dataSource.DynamoDBConfig?.TableName ?? ""), request ?? {});
    } catch (err) {
      if (err instanceof DynamoRequestError) throw new ResolverError(err.message, "MappingTemplate");
      const code = (err as { code?: string; name?: string }).code ?? (err as Error).name;
      throw new ResolverError((err as Error).message, `DynamoDB:${code}`);
    }
  }

  private async invoke(dataSource: Doc, payload: unknown): Promise<unknown> {
    const fn = functionFromIntegrationUri(String(dataSource.LambdaConfig?.LambdaFunctionArn ?? ""));
    const outcome = await invokeWithTimeout(this.deps.lambda(), fn, payload, LAMBDA_TIMEOUT_MS);
    if (outcome.kind === "function-error") {
      const err = safeJson(outcome.payload);
      throw new ResolverError(String(err?.errorMessage ?? "Lambda function failed"), "Lambda:Unhandled");
    }
    if (outcome.kind === "timeout") throw new ResolverError("Lambda function timed out", "Lambda:Unhandled");
    if (outcome.kind !== "ok") throw new ResolverError("Error invoking the Lambda function", "Lambda:Unhandled");
    const text = outcome.payload.toString("utf8");
    return text ? safeJson(outcome.payload) ?? null : null;
  }
}

/** AppSync's error entry: path, data, errorType, errorInfo, locations, message. */
function formatError(e: GraphQLError): Doc {
  const original = e.originalError;
  const resolverError = original instanceof ResolverError ? original : undefined;
  return {
    path: e.path ?? null,
    data: resolverError?.data ?? null,
    errorType: resolverError?.errorType ?? (original ? "Unknown" : "GraphQLError"),
    errorInfo: resolverError?.errorInfo ?? null,
    locations: (e.locations ?? []).map((l) => ({ ...l, sourceName: null })),
    message: e.message,
  };
}

/** "id", "author", "author/name": the fields selected under the resolved field, fragments expanded. */
function selectionSetList(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, prefix = ""): string[] {
  const out: string[] = [];
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      const name = (selection as FieldNode).name.value;
      if (name.startsWith("__")) continue;
      out.push(prefix + name);
      out.push(...selectionSetList(selection.selectionSet, info, `${prefix}${name}/`));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      out.push(...selectionSetList(selection.selectionSet, info, prefix));
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment) out.push(...selectionSetList(fragment.selectionSet, info, prefix));
    }
  }
  return out;
}

function printSelection(body: string | undefined, set: SelectionSetNode): string {
  return body && set.loc ? body.slice(set.loc.start, set.loc.end) : "";
}

function safeJson(payload: Buffer): any {
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
}
