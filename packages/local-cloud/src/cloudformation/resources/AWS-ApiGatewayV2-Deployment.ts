/** AWS::ApiGatewayV2::Deployment: Ref is the DeploymentId. */
import { apiChildProvider } from "./apigatewayv2-child.js";

export const apiGatewayV2Deployment = apiChildProvider({ kind: "Deployment", idField: "DeploymentId", replacementProps: ["ApiId"], attributes: (id) => ({ DeploymentId: id }) });
