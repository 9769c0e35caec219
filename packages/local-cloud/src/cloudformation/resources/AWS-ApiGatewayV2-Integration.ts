/** AWS::ApiGatewayV2::Integration: Ref is the IntegrationId. */
import { apiChildProvider } from "./apigatewayv2-child.js";

export const apiGatewayV2Integration = apiChildProvider({ kind: "Integration", idField: "IntegrationId", replacementProps: ["ApiId"], attributes: (id) => ({ IntegrationId: id }) });
