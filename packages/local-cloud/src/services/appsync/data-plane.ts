/**
 * The GraphQL data plane of AppSync APIs: `POST {endpoint}/_aws/appsync/{apiId}/graphql`
 * (the API's GraphQLUrl). The caller is authenticated by one of the API's modes
 * (auth-modes.ts), then the request is executed with the `graphql` package against the
 * API's schema: every field is first checked against the schema's auth directives for
 * that mode (field-auth.ts: a refused field is null with AppSync's "Not Authorized to
 * access …" error), a field with a resolver runs it (resolver-runner.ts: unit or
 * pipeline, VTL or APPSYNC_JS, Lambda, NONE and DynamoDB data sources), and every other
 * field takes the parent's property of its name, as AppSync does. A mutation's result is
 * handed to the API's subscribers (realtime.ts). Answers and errors have AppSync's shapes.
 */
import { randomUUID } from "node:crypto";
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { AwsRequest, AwsResponse } from "../../types.js";
import type { LambdaInvoker } from "../../lambda-proxy/lambda-invoke.js";
import { JwksCache } from "../../auth/jwt-verify.js";
import { TtlCache } from "../../auth/ttl-cache.js";
import type { IamAuthCloud } from "../../auth/signed-request.js";
import { buildAppSyncSchema } from "./schema.js";
import type { AppSyncStore } from "./store.js";
import type { DynamoDbCaller } from "./dynamodb-resolver.js";
import type { RdsDataCaller } from "./rds-resolver.js";
import { authenticate, type AuthOutcome, type GraphqlRequestFacts, type RequestAuth } from "./auth-modes.js";
import { FieldAuthorizer, FieldUnauthorized } from "./field-auth.js";
import { ResolverError, ResolverRunner, type RequestScope } from "./resolver-runner.js";
import { AppSyncJsRuntime } from "./js-runtime.js";

type Doc = Record<string, any>;

export interface AppSyncDataPlaneDeps {
  store: AppSyncStore;
  region: string;
  lambda: () => LambdaInvoker | undefined;
  dynamodb: () => DynamoDbCaller | undefined;
  rdsdata?: () => RdsDataCaller | undefined;
  iam?: IamAuthCloud;
  /** Signing keys of token issuers (the local user pools' in-process). @default a cache that fetches every issuer's */
  jwks?: JwksCache;
}

/** An API ready to execute: its schema compiled once per change of the store. */
export interface CompiledApi {
  api: Doc;
  schema?: GraphQLSchema;
  fieldAuth?: FieldAuthorizer;
  resolvers: Map<string, Doc>;
  dataSources: Map<string, Doc>;
  functions: Map<string, Doc>;
  /** Queries already parsed and validated against this schema (clients send the same few again and again). */
  documents: Map<string, DocumentNode>;
}

/** What every resolver of one GraphQL request sees. */
export interface ExecutionContext {
  headers: Record<string, string>;
  variables: Doc;
  auth: RequestAuth;
  scope: RequestScope;
}

/** A mutation's root fields that succeeded, for the API's subscribers. */
export type MutationListener = (apiId: string, results: { field: string; value: unknown }[]) => void;

const MAX_CACHED_DOCUMENTS = 500;

export type ParsedDocument = { ok: true; document: DocumentNode } | { ok: false; status: number; body: Doc };

export class AppSyncDataPlane {
  private generation = -1;
  private readonly compiled = new Map<string, CompiledApi>();
  private readonly jwks: JwksCache;
  private readonly lambdaAuthCache = new TtlCache<AuthOutcome>();
  private js?: AppSyncJsRuntime;
  private readonly runner: ResolverRunner;
  /** Told of every mutation's results (the realtime endpoint's subscriptions). */
  onMutation?: MutationListener;

  constructor(private readonly deps: AppSyncDataPlaneDeps) {
    this.jwks = deps.jwks ?? new JwksCache();
    this.runner = new ResolverRunner({ lambda: deps.lambda, dynamodb: deps.dynamodb, rdsdata: deps.rdsdata ?? (() => undefined), region: deps.region, js: () => (this.js ??= new AppSyncJsRuntime()) });
  }

  close(): void {
    this.js?.close();
  }

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
      let body: Doc | undefined;
      let malformed = false;
      try {
        body = JSON.parse(req.body.toString("utf8") || "null");
      } catch {
        malformed = true;
      }
      const auth = await this.authenticate(compiled, req, () => ({ query: typeof body?.query === "string" ? body.query : "", operationName: body?.operationName, variables: body?.variables }));
      if (!auth.ok) return error(auth.status, auth.errorType, auth.message);
      if (malformed) return error(400, "MalformedHttpRequestException", "The request body is not valid JSON.");
      if (!body || typeof body.query !== "string") return error(400, "MalformedHttpRequestException", "Invalid request, `query` can't be null.");
      if (!compiled.schema) return error(400, "BadRequestException", "The GraphQL API has no schema.");
      const parsed = this.parseDocument(compiled, body.query);
      if (!parsed.ok) return answer(parsed.status, parsed.body);
      const refused = refusedByApiLimits(compiled.api, parsed.document);
      if (refused) return answer(400, { data: null, errors: [{ path: null, locations: null, message: refused, errorType: "ValidationError" }] });
      const operation = operationOf(parsed.document, body.operationName);
      if (operation?.operation === "subscription") {
        return error(400, "BadRequestException", "Subscriptions are served on the API's realtime endpoint (a WebSocket), not over HTTP.");
      }
      const out = await this.execute(compiled, parsed.document, { headers: req.headers, variables: body.variables ?? {}, auth: auth.auth }, body.operationName);
      if (operation?.operation === "mutation" && out.data && this.onMutation) {
        const results = Object.entries(out.data as Doc).filter(([, v]) => v !== null).map(([alias, value]) => ({ field: rootFieldName(operation, alias), value }));
        if (results.length) this.onMutation(apiId, results);
      }
      return answer(200, out);
    } catch (err) {
      console.error(`[local-cloud] appsync ${apiId} failed`, err);
      return error(500, "InternalFailure", "An internal failure occurred.");
    }
  }

  authenticate(compiled: CompiledApi, req: AwsRequest, facts: () => GraphqlRequestFacts): Promise<AuthOutcome> {
    return authenticate(compiled.api, req, facts, { store: this.deps.store, region: this.deps.region, iam: this.deps.iam, lambda: this.deps.lambda, jwks: this.jwks, lambdaCache: this.lambdaAuthCache });
  }

  /** Parsed and validated against the API's schema (cached), or AppSync's 400 answer. */
  parseDocument(compiled: CompiledApi, query: string): ParsedDocument {
    let document = compiled.documents.get(query);
    if (document) return { ok: true, document };
    try {
      document = parse(query);
    } catch (err) {
      return { ok: false, status: 400, body: { errors: [{ errorType: "MalformedHttpRequestException", message: (err as Error).message, locations: (err as GraphQLError).locations ?? [] }] } };
    }
    const invalid = validate(compiled.schema!, document);
    if (invalid.length) {
      return { ok: false, status: 400, body: { data: null, errors: invalid.map((e) => ({ path: null, locations: e.locations ?? null, message: `Validation error: ${e.message}`, errorType: "ValidationError" })) } };
    }
    if (compiled.documents.size >= MAX_CACHED_DOCUMENTS) compiled.documents.clear();
    compiled.documents.set(query, document);
    return { ok: true, document };
  }

  /**
   * Executes a document: resolvers run unless `rootValue` is given (a subscription's
   * payload, whose fields come from the mutation's result as they are). `scope` collects
   * what resolvers leave beside the data (appended errors, a subscription filter).
   */
  async execute(compiled: CompiledApi, document: DocumentNode, request: Omit<ExecutionContext, "scope">, operationName?: string, rootValue?: Doc, scope: RequestScope = newScope()): Promise<Doc> {
    const context: ExecutionContext = { ...request, scope };
    const result = await execute({
      schema: compiled.schema!,
      document,
      rootValue,
      variableValues: request.variables,
      operationName: operationName ?? undefined,
      contextValue: context,
      fieldResolver: (source, args, ctx, info) => this.resolveField(compiled, source, args, ctx, info, rootValue !== undefined),
    });
    const out: Doc = { data: result.data ?? null };
    const errors = (result.errors ?? []).map(formatError);
    for (const { path, error } of context.scope.appendedErrors) {
      errors.push({ path, data: error.data ?? null, errorType: error.type, errorInfo: error.info ?? null, locations: [], message: error.message });
    }
    if (errors.length) out.errors = errors;
    return out;
  }

  compiledApi(apiId: string): CompiledApi | undefined {
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
      const schema = definition ? buildAppSyncSchema(definition) : undefined;
      compiled = {
        api,
        schema,
        fieldAuth: schema ? new FieldAuthorizer(schema, api, this.deps.iam) : undefined,
        resolvers: new Map(store.list<Doc>(apiId, "resolver").map((r) => [`${r.TypeName}.${r.FieldName}`, r])),
        dataSources: new Map(store.list<Doc>(apiId, "datasource").map((d) => [d.Name, d])),
        functions: new Map(store.list<Doc>(apiId, "function").map((f) => [f.FunctionId, f])),
        documents: new Map(),
      };
      this.compiled.set(apiId, compiled);
    }
    return compiled;
  }

  private async resolveField(compiled: CompiledApi, source: any, args: Doc, context: ExecutionContext, info: GraphQLResolveInfo, payloadOnly: boolean): Promise<unknown> {
    const typeName = info.parentType.name;
    if (compiled.fieldAuth && !compiled.fieldAuth.allows(context.auth, typeName, info.fieldName)) {
      throw new ResolverError(new FieldUnauthorized(typeName, info.fieldName).message, "Unauthorized");
    }
    const resolver = payloadOnly ? undefined : compiled.resolvers.get(`${typeName}.${info.fieldName}`);
    if (!resolver) return source && typeof source === "object" ? source[info.fieldName] : undefined;
    return this.runner.run(compiled, resolver, {
      env: compiled.api.EnvironmentVariables ?? {},
      arguments: args,
      source: source ?? null,
      identity: context.auth.identity,
      request: { headers: context.headers, domainName: null },
      path: pathOf(info),
      info: {
        fieldName: info.fieldName,
        parentTypeName: typeName,
        variables: context.variables,
        selectionSetList: [...new Set(selectionSetList(info.fieldNodes[0]?.selectionSet, info))],
        selectionSetGraphQL: info.fieldNodes[0]?.selectionSet ? printSelection(info.fieldNodes[0].loc?.source.body, info.fieldNodes[0].selectionSet) : "",
      },
    }, context.scope);
  }
}

export function newScope(): RequestScope {
  return { appendedErrors: [], batches: new Map() };
}

/** The operation a request runs: the named one, or the only one. */
export function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

/**
 * What the API's settings forbid in a query: introspection (`__schema`, `__type`) when
 * IntrospectionConfig is DISABLED, and selections nested deeper than QueryDepthLimit.
 */
export function refusedByApiLimits(api: Doc, document: DocumentNode): string | undefined {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  let introspects = false;
  const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
    let deepest = 0;
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === "__schema" || s.name.value === "__type") introspects = true;
        deepest = Math.max(deepest, s.selectionSet ? 1 + depthOf(s.selectionSet, seen) : 1);
      } else if (s.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(s.selectionSet, seen));
      else if (!seen.has(s.name.value)) deepest = Math.max(deepest, depthOf(fragments.get(s.name.value)?.selectionSet, new Set([...seen, s.name.value])));
    }
    return deepest;
  };
  const depth = Math.max(0, ...document.definitions.map((d) => (d.kind === Kind.OPERATION_DEFINITION ? depthOf(d.selectionSet, new Set()) : 0)));
  if (introspects && api.IntrospectionConfig === "DISABLED") return "GraphQL introspection is not allowed for this API (IntrospectionConfig is DISABLED).";
  if (api.QueryDepthLimit > 0 && depth > api.QueryDepthLimit) return `The query has a depth of ${depth}, over this API's QueryDepthLimit of ${api.QueryDepthLimit}.`;
  return undefined;
}

/** The field an alias in the result stands for (`created: addPost(...)` is addPost). */
function rootFieldName(operation: OperationDefinitionNode, alias: string): string {
  for (const s of operation.selectionSet.selections) {
    if (s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === alias) return s.name.value;
  }
  return alias;
}

function pathOf(info: GraphQLResolveInfo): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p: GraphQLResolveInfo["path"] | undefined = info.path; p; p = p.prev) out.unshift(p.key);
  return out;
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
