/** AWS::ApiGatewayV2::Stage: Ref is the stage name. */
import { apiChildProvider } from "./apigatewayv2-child.js";

export const apiGatewayV2Stage = apiChildProvider({ kind: "Stage", idField: "StageName", replacementProps: ["ApiId", "StageName"], omit: ["AccessPolicyId"] });
