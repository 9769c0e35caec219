/**
 * AWS::ApiGatewayV2::RouteResponse: a WebSocket route's two-way response (SST's
 * `returnResponse`). The local cloud does not serve WebSocket connections, so it is
 * recorded with an id in API Gateway's format.
 */
import { randomId } from "../../services/apigatewayv2/ids.js";
import { recordedProvider } from "./recorded.js";

export const apiGatewayV2RouteResponse = recordedProvider({
  replacementProps: ["ApiId", "RouteId"],
  id: () => randomId(6),
});
