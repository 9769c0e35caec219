/**
 * AppSync's real-time endpoint: GraphQL subscriptions over a WebSocket speaking the
 * `graphql-ws` subprotocol as AppSync does. The handshake carries the connection's auth
 * in the base64 JSON `header` query parameter (`payload` is `e30=`), checked when the
 * client sends `connection_init` (refused: `connection_error`, then the socket closes);
 * `connection_ack` tells the client the keep-alive timeout and `ka` messages follow.
 * Each `start` carries a subscription document (`payload.data`, a JSON string) and its
 * own auth (`payload.extensions.authorization`); it is validated, authorized field by
 * field as HTTP requests are, answered `start_ack` or `error`, and from then on every
 * mutation named in the field's `@aws_subscribe(mutations: […])` that succeeds is sent to
 * it as `data` — the subscription's selection read from the mutation's result (fields the
 * mutation did not select are null), when every argument the subscriber gave equals the
 * result's field of that name (AppSync's argument filtering) and the enhanced filter the
 * field's resolver set, if any (`extensions.setSubscriptionFilter`). `stop` ends one with
 * `complete`.
 *
 * Local addresses (what the API's RealtimeUrl is locally, and what Amplify derives from a
 * non-AWS GraphQL URL): `ws://{cloud}/_aws/appsync/{apiId}/graphql` and `…/graphql/realtime`,
 * or `ws://{apiId}.appsync-realtime-api.localhost:{port}/graphql`.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import type { ConstDirectiveNode, DocumentNode, FieldNode, GraphQLObjectType, OperationDefinitionNode } from "graphql";
import type { AwsRequest } from "../../types.js";
import { newScope, operationOf, type AppSyncDataPlane, type CompiledApi } from "./data-plane.js";
import type { SubscriptionFilter } from "./js-runtime.js";
import type { AuthOutcome, GraphqlRequestFacts, RequestAuth } from "./auth-modes.js";

type Doc = Record<string, any>;

/** AppSync's keep-alive timeout (5 minutes), told to the client in connection_ack. */
export const CONNECTION_TIMEOUT_MS = 300_000;
const KEEP_ALIVE_MS = Number(process.env.LOCAL_CLOUD_APPSYNC_KA_MS ?? 60_000);
/** AppSync's limit: 100 subscriptions a connection. */
const MAX_SUBSCRIPTIONS = 100;

interface Subscription {
  id: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Doc;
  /** The subscription field and what it listens to. */
  field: string;
  alias: string;
  mutations: Set<string>;
  arguments: Doc;
  auth: RequestAuth;
  headers: Record<string, string>;
  /** The enhanced filter the subscription's resolver set (extensions.setSubscriptionFilter). */
  filter?: SubscriptionFilter;
}

interface Client {
  apiId: string;
  socket: WebSocket;
  /** The handshake's headers (from the `header` parameter); undefined until connection_init. */
  headers: Record<string, string>;
  initialized: boolean;
  subscriptions: Map<string, Subscription>;
  keepAlive?: NodeJS.Timeout;
}

export class AppSyncRealtime {
  private server?: Promise<WebSocketServer>;
  private readonly clients = new Set<Client>();

  constructor(private readonly plane: AppSyncDataPlane) {
    plane.onMutation = (apiId, results) => this.publish(apiId, results);
  }

  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, apiId: string, signed: AwsRequest): Promise<void> {
    // The handshake itself carries no auth: the `header` parameter is checked at connection_init.
    const compiled = this.plane.compiledApi(apiId);
    const offered = String(req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
    if (!compiled || !offered.includes("graphql-ws")) {
      const status = compiled ? 400 : 404;
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? "Not Found" : "Bad Request"}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${status === 404 ? "Resource not found" : "The graphql-ws subprotocol is required"}`);
      return;
    }
    const headers = decodeParam(signed.query.get("header") ?? undefined);
    const server = await (this.server ??= this.createServer());
    if (socket.destroyed) return;
    server.handleUpgrade(req, socket, head, (ws) => this.accept(ws, apiId, headers ?? {}));
  }

  close(): void {
    for (const c of this.clients) {
      clearInterval(c.keepAlive);
      c.socket.terminate();
    }
    this.clients.clear();
  }

  private async createServer(): Promise<WebSocketServer> {
    const { WebSocketServer } = await import("ws");
    return new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => (offered.has("graphql-ws") ? "graphql-ws" : false) });
  }

  private accept(socket: WebSocket, apiId: string, headers: Record<string, string>): void {
    const client: Client = { apiId, socket, headers, initialized: false, subscriptions: new Map() };
    this.clients.add(client);
    socket.on("message", (data: Buffer) => void this.receive(client, data.toString("utf8")).catch((err) => {
      console.error(`[local-cloud] appsync realtime ${apiId} failed`, err);
      send(client, { type: "error", payload: { errors: [{ errorType: "InternalFailure", message: "An internal failure occurred." }] } });
    }));
    socket.on("error", () => socket.terminate());
    socket.once("close", () => {
      clearInterval(client.keepAlive);
      this.clients.delete(client);
    });
  }

  private async receive(client: Client, text: string): Promise<void> {
    let message: Doc;
    try {
      message = JSON.parse(text);
    } catch {
      return send(client, { type: "error", payload: { errors: [{ errorType: "MalformedMessage", message: "The message is not valid JSON." }] } });
    }
    switch (message?.type) {
      case "connection_init":
        return this.init(client);
      case "start":
        if (!client.initialized) return send(client, { type: "error", id: message.id, payload: { errors: [{ errorType: "BadRequestException", message: "connection_init must come first." }] } });
        return this.start(client, message);
      case "stop":
        if (client.subscriptions.delete(String(message.id))) send(client, { type: "complete", id: message.id });
        return;
      default:
        return send(client, { type: "error", id: message?.id, payload: { errors: [{ errorType: "UnsupportedOperation", message: `Operation ${String(message?.type)} is not supported.` }] } });
    }
  }

  /** The connection's own auth (the handshake's `header`) is checked once, at connection_init. */
  private async init(client: Client): Promise<void> {
    const compiled = this.plane.compiledApi(client.apiId);
    const auth = compiled && (await this.authenticate(compiled, client.headers, "/connect", "{}", { query: "" }));
    if (!auth?.ok) {
      send(client, { type: "connection_error", payload: { errors: [{ errorType: auth?.errorType ?? "NotFoundException", message: auth?.message ?? "Resource not found", errorCode: auth?.status ?? 404 }] } });
      client.socket.close(1000);
      return;
    }
    client.initialized = true;
    send(client, { type: "connection_ack", payload: { connectionTimeoutMs: CONNECTION_TIMEOUT_MS } });
    client.keepAlive = setInterval(() => send(client, { type: "ka" }), KEEP_ALIVE_MS);
    client.keepAlive.unref();
  }

  private async start(client: Client, message: Doc): Promise<void> {
    const id = String(message.id ?? "");
    const fail = (errorType: string, text: string, extra: Doc = {}) => send(client, { type: "error", id, payload: { errors: [{ errorType, message: text, ...extra }] } });
    if (!id) return fail("BadRequestException", "A start message needs an id.");
    if (client.subscriptions.has(id)) return fail("BadRequestException", `Subscription ${id} is already started.`);
    if (client.subscriptions.size >= MAX_SUBSCRIPTIONS) return fail("LimitExceededException", "Too many subscriptions on this connection.");
    const compiled = this.plane.compiledApi(client.apiId);
    if (!compiled?.schema) return fail("NotFoundException", "Resource not found");
    let request: Doc;
    try {
      request = JSON.parse(String(message.payload?.data ?? ""));
    } catch {
      return fail("MalformedHttpRequestException", "payload.data must be the request as a JSON string.");
    }
    const headers = lowerCased(message.payload?.extensions?.authorization ?? {});
    const auth = await this.authenticate(compiled, headers, "", String(message.payload?.data ?? ""), { query: String(request.query ?? ""), operationName: request.operationName, variables: request.variables });
    if (!auth.ok) return fail(auth.errorType, auth.message, { errorCode: auth.status });
    const parsed = this.plane.parseDocument(compiled, String(request.query ?? ""));
    if (!parsed.ok) return send(client, { type: "error", id, payload: parsed.body });
    const operation = operationOf(parsed.document, request.operationName);
    if (operation?.operation !== "subscription") return fail("UnsupportedOperation", "Only subscriptions can be started on the realtime endpoint.");
    const root = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === "Field" && !s.name.value.startsWith("__"));
    if (root.length !== 1) return fail("ValidationError", "A subscription selects exactly one field.");
    const fieldNode = root[0]!;
    const subscriptionType = compiled.schema.getSubscriptionType() as GraphQLObjectType;
    const fieldDef = subscriptionType.getFields()[fieldNode.name.value]!;
    if (compiled.fieldAuth && !compiled.fieldAuth.allows(auth.auth, subscriptionType.name, fieldDef.name)) {
      return fail("Unauthorized", `Not Authorized to access ${fieldDef.name} on type ${subscriptionType.name}`);
    }
    const variables = request.variables ?? {};
    // A resolver on the subscription field runs once, at start: it may refuse the subscriber.
    const scope = newScope();
    const resolverCheck = compiled.resolvers.has(`${subscriptionType.name}.${fieldDef.name}`)
      ? await this.plane.execute(compiled, parsed.document, { headers, variables, auth: auth.auth }, request.operationName, undefined, scope)
      : undefined;
    if (resolverCheck?.errors?.length) return send(client, { type: "error", id, payload: { errors: resolverCheck.errors } });
    client.subscriptions.set(id, {
      id, document: parsed.document, operation, variables, headers, auth: auth.auth,
      field: fieldDef.name,
      alias: fieldNode.alias?.value ?? fieldDef.name,
      mutations: subscribedMutations(fieldDef.astNode?.directives),
      arguments: argumentValues(fieldNode, variables),
      filter: scope.subscriptionFilter,
    });
    send(client, { type: "start_ack", id });
  }

  /**
   * A realtime message's auth, as the request it stands for: for IAM, the client signed a
   * POST of `body` to the GraphQL URL's path plus `suffix` — locally
   * `/_aws/appsync/{id}/graphql`, or `/graphql` when it was signed for the API's host name.
   */
  private async authenticate(compiled: CompiledApi, headers: Record<string, string>, suffix: string, body: string, facts: GraphqlRequestFacts): Promise<AuthOutcome> {
    const paths = [`/_aws/appsync/${compiled.api.ApiId}/graphql${suffix}`, `/graphql${suffix}`];
    let outcome: AuthOutcome | undefined;
    for (const path of paths) {
      outcome = await this.plane.authenticate(compiled, connectRequest(headers, path, body), () => facts);
      if (outcome.ok || outcome.errorType !== "InvalidSignatureException") break;
    }
    return outcome!;
  }

  /** A mutation's results, to every subscription that listens to it and whose arguments match. */
  private publish(apiId: string, results: { field: string; value: unknown }[]): void {
    for (const client of this.clients) {
      if (client.apiId !== apiId) continue;
      const compiled = this.plane.compiledApi(apiId);
      if (!compiled) continue;
      for (const sub of client.subscriptions.values()) {
        for (const { field, value } of results) {
          if (!sub.mutations.has(field) || !matches(sub.arguments, value)) continue;
          if (sub.filter && !passesFilter(sub.filter, value)) continue;
          void this.deliver(client, compiled, sub, value);
        }
      }
    }
  }

  private async deliver(client: Client, compiled: CompiledApi, sub: Subscription, value: unknown): Promise<void> {
    const out = await this.plane.execute(compiled, sub.document, { headers: sub.headers, variables: sub.variables, auth: sub.auth }, sub.operation.name?.value, { [sub.field]: value });
    if (client.subscriptions.get(sub.id) !== sub) return;
    send(client, { type: "data", id: sub.id, payload: out });
  }
}

function send(client: Client, message: Doc): void {
  if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(message));
}

/**
 * The headers the client put in the handshake's `header` parameter (base64 JSON). Clients
 * send it without percent-encoding, so a `+` of the base64 arrives decoded as a space.
 */
function decodeParam(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  try {
    const doc = JSON.parse(Buffer.from(value.replace(/ /g, "+"), "base64").toString("utf8"));
    return doc && typeof doc === "object" ? lowerCased(doc) : undefined;
  } catch {
    return undefined;
  }
}

function lowerCased(headers: Doc): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function connectRequest(headers: Record<string, string>, path: string, body: string): AwsRequest {
  return { requestId: "", method: "POST", path, query: new URLSearchParams(), headers, body: Buffer.from(body), service: "appsync" } as unknown as AwsRequest;
}

function subscribedMutations(directives: readonly ConstDirectiveNode[] | undefined): Set<string> {
  const d = directives?.find((x) => x.name.value === "aws_subscribe");
  const arg = d?.arguments?.find((a) => a.name.value === "mutations");
  return new Set(arg?.value.kind === "ListValue" ? arg.value.values.map((v) => ("value" in v ? String(v.value) : "")) : []);
}

/** The arguments the subscriber gave (null ones filter nothing). */
function argumentValues(field: FieldNode, variables: Doc): Doc {
  const out: Doc = {};
  for (const arg of field.arguments ?? []) {
    const v = arg.value;
    const value = v.kind === "Variable" ? variables[v.name.value] : "value" in v ? (v.kind === "IntValue" || v.kind === "FloatValue" ? Number(v.value) : v.value) : undefined;
    if (value !== undefined && value !== null) out[arg.name.value] = value;
  }
  return out;
}

function matches(args: Doc, value: unknown): boolean {
  if (!Object.keys(args).length) return true;
  if (!value || typeof value !== "object") return false;
  return Object.entries(args).every(([k, v]) => String((value as Doc)[k]) === String(v));
}

/** An enhanced filter on a mutation's result: any group whose filters all hold. */
export function passesFilter(filter: SubscriptionFilter, value: unknown): boolean {
  const doc = value && typeof value === "object" ? (value as Doc) : {};
  return (filter.filterGroup ?? []).some((group) => (group.filters ?? []).every((f) => holds(f.operator, fieldAt(doc, f.fieldName), f.value)));
}

/** `a.b` reads a nested field, as AppSync's filters may. */
function fieldAt(doc: Doc, name: string): unknown {
  return name.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Doc)[k] : undefined), doc);
}

function holds(op: string, actual: unknown, expected: unknown): boolean {
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  switch (op) {
    case "eq": return actual === expected;
    case "ne": return actual !== expected;
    case "lt": return (actual as number) < (expected as number);
    case "le": return (actual as number) <= (expected as number);
    case "gt": return (actual as number) > (expected as number);
    case "ge": return (actual as number) >= (expected as number);
    case "in": return list(expected).includes(actual);
    case "notIn": return !list(expected).includes(actual);
    case "between": return (actual as number) >= (list(expected)[0] as number) && (actual as number) <= (list(expected)[1] as number);
    case "beginsWith": return typeof actual === "string" && actual.startsWith(String(expected));
    case "contains": return Array.isArray(actual) ? actual.includes(expected) : typeof actual === "string" && actual.includes(String(expected));
    case "notContains": return !(Array.isArray(actual) ? actual.includes(expected) : typeof actual === "string" && actual.includes(String(expected)));
    case "containsAny": return Array.isArray(actual) && list(expected).some((e) => actual.includes(e));
    default: return false;
  }
}
