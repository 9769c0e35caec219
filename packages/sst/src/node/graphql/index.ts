/**
 * `sst/node/graphql`: `GraphQLHandler(yogaOptions)` serves a GraphQL Yoga server from an
 * Api route. The API Gateway event becomes a fetch Request, Yoga answers it, and the
 * Response becomes the route's result. The endpoint path comes from `GRAPHQL_ENDPOINT`,
 * which the Api construct sets on `graphql` routes.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { createYoga, type YogaServerOptions } from "graphql-yoga";
import { Handler, useEvent, useLambdaContext } from "../../context/handler.js";

export type ServerContext = { event: APIGatewayProxyEventV2; context: Context };

/** The event as a Request Yoga can take (an absolute URL, the raw query string, the decoded body). */
export function eventToRequest(event: APIGatewayProxyEventV2): Request {
  const host = event.requestContext?.domainName || event.headers?.host || "localhost";
  const url = `https://${host}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ""}`;
  const method = event.requestContext.http.method;
  const headers = new Headers();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k, v);
  if (event.cookies?.length && !headers.has("cookie")) headers.set("cookie", event.cookies.join("; "));
  const body = event.body && method !== "GET" && method !== "HEAD" ? Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8") : undefined;
  return new Request(url, { method, headers, body });
}

export function GraphQLHandler<UserContext extends {}>(options: YogaServerOptions<ServerContext, UserContext>) {
  const yoga = createYoga<ServerContext, UserContext>({
    graphqlEndpoint: process.env.GRAPHQL_ENDPOINT,
    ...options,
  });
  return Handler("api", async (): Promise<APIGatewayProxyStructuredResultV2> => {
    const event = useEvent("api");
    const response = await yoga.fetch(eventToRequest(event), { event, context: useLambdaContext() });
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: await response.text(),
      isBase64Encoded: false,
    };
  });
}
