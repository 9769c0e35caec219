/** AWS::ApiGatewayV2::Route: Ref is the RouteId. */
import { apiChildProvider } from "./apigatewayv2-child.js";

export const apiGatewayV2Route = apiChildProvider({ kind: "Route", idField: "RouteId", replacementProps: ["ApiId"], attributes: (id) => ({ RouteId: id }) });
