/**
 * The request context every SST handler wrapper runs in (`ApiHandler`,
 * `WebSocketApiHandler`, `GraphQLHandler`, `AuthHandler`): the kind of event, the event
 * itself and the Lambda context, readable by hooks anywhere below the handler.
 * Other runtime modules build on `Handler` and `useEvent` rather than keeping their own
 * AsyncLocalStorage, so `useSession()` and friends see the same request.
 */
import type {
  APIGatewayProxyEventHeaders,
  APIGatewayProxyEventMultiValueHeaders,
  APIGatewayProxyEventMultiValueQueryStringParameters,
  APIGatewayProxyEventQueryStringParameters,
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayProxyWebsocketEventV2,
  Context as LambdaContext,
  SQSBatchResponse,
  SQSEvent,
} from "aws-lambda";
import { createContext } from "./context.js";

export interface Handlers {
  api: { event: APIGatewayProxyEventV2; response: APIGatewayProxyStructuredResultV2 | void };
  ws: {
    // API Gateway sends these on $connect, though the aws-lambda type leaves them out.
    event: APIGatewayProxyWebsocketEventV2 & {
      headers?: APIGatewayProxyEventHeaders;
      multiValueHeaders?: APIGatewayProxyEventMultiValueHeaders;
      queryStringParameters?: APIGatewayProxyEventQueryStringParameters | null;
      multiValueQueryStringParameters?: APIGatewayProxyEventMultiValueQueryStringParameters | null;
    };
    response: APIGatewayProxyResultV2;
  };
  sqs: { event: SQSEvent; response: SQSBatchResponse };
}

export type HandlerTypes = keyof Handlers;

type Request = { [K in HandlerTypes]: { type: K; event: Handlers[K]["event"]; context: LambdaContext } }[HandlerTypes];

const RequestContext = createContext<Request>("RequestContext");

/** Outside any handler wrapper this throws ContextNotFoundError, as SST v2 does. */
function current(): Request {
  return RequestContext.use();
}

/** "api", "ws" or "sqs": the kind of handler this request runs in. */
export function useContextType(): HandlerTypes {
  return current().type;
}

/** The event of the current request; with a type, fails unless the handler is of that type. */
export function useEvent<T extends HandlerTypes>(type: T): Handlers[T]["event"];
export function useEvent(): Handlers[HandlerTypes]["event"];
export function useEvent(type?: HandlerTypes) {
  const req = current();
  if (type !== undefined && req.type !== type) throw new Error(`Expected ${type} event`);
  return req.event;
}

export function useLambdaContext(): LambdaContext {
  return current().context;
}

/** Wraps `cb` so that hooks called anywhere inside it see this event. */
export function Handler<T extends HandlerTypes, Event = Handlers[T]["event"], Response = Handlers[T]["response"]>(
  type: T,
  cb: (evt: Event, ctx: LambdaContext) => Promise<Response>,
) {
  return function handler(event: Event, context: LambdaContext) {
    return RequestContext.with({ type, event: event as any, context }, () => cb(event, context));
  };
}
