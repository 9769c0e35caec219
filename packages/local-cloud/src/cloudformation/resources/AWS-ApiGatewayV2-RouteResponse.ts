/** AWS::ApiGatewayV2::RouteResponse: a WebSocket route's two-way response (SST's `returnResponse`). Ref is the RouteResponseId. */
import { apiChildProvider } from "./apigatewayv2-child.js";

export const apiGatewayV2RouteResponse = apiChildProvider({ kind: "RouteResponse", idField: "RouteResponseId", replacementProps: ["ApiId", "RouteId"] });
