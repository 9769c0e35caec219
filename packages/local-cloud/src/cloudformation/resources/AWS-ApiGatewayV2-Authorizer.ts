/** AWS::ApiGatewayV2::Authorizer: Ref is the AuthorizerId. */
import { apiChildProvider } from "./apigatewayv2-child.js";

export const apiGatewayV2Authorizer = apiChildProvider({ kind: "Authorizer", idField: "AuthorizerId", replacementProps: ["ApiId"], attributes: (id) => ({ AuthorizerId: id }) });
