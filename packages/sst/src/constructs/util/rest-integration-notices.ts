/**
 * REST API methods whose integration the local cloud cannot serve, found when the app
 * finishes (methods are often added through `cdk.restApi` or a plain CDK `RestApi`, after
 * any SST construct ran): an `AWS` integration calling a service the local cloud does not
 * have (Step Functions, …), an `AWS_PROXY` one that is not a Lambda function, a
 * `VPC_LINK` connection. Each gets one notice; the template keeps the method as written.
 */
import * as cdk from "aws-cdk-lib";
import * as apig from "aws-cdk-lib/aws-apigateway";
import type { IConstruct } from "constructs";
import { LOCAL_INTEGRATION_SERVICES } from "local-cloud/services/apigatewayv2/rest/integration-services.js";
import { addLocalNotice } from "./local-notice.js";

const SERVED = new Set<string>(LOCAL_INTEGRATION_SERVICES);

/** Why the local cloud answers the method 500, or undefined when it serves it. */
function unserved(integration: Record<string, any>, uri: string): string | undefined {
  if (integration.connectionType === "VPC_LINK") return "its integration goes through a VPC link, which the local cloud cannot reach: the method answers 500 locally";
  const service = /:apigateway:[^:]*:([^:]+):(?:action|path)\//.exec(uri)?.[1];
  if (integration.type === "AWS" && service && !SERVED.has(service.split(".")[0]!)) {
    return `its AWS integration calls ${service}, which the local cloud does not have: the method answers 500 locally`;
  }
  if (integration.type === "AWS_PROXY" && !/:lambda:path\/|:lambda:/.test(uri)) return "its AWS_PROXY integration is not a Lambda function: the method answers 500 locally";
  return undefined;
}

/** The SST construct the method belongs to (`ApiGatewayV1Api "Rest"`), else the REST API's construct path. */
function ownerOf(method: IConstruct): string {
  let api: IConstruct | undefined;
  for (let c: IConstruct | undefined = method.node.scope; c; c = c.node.scope) {
    if ((c as { constructor: { name: string } }).constructor.name === "ApiGatewayV1Api") return `ApiGatewayV1Api "${c.node.id}"`;
    if (!api && c instanceof apig.RestApiBase) api = c;
  }
  return `RestApi "${api?.node.id ?? method.node.path}"`;
}

export function noticeUnservedRestIntegrations(root: IConstruct): void {
  const visit = (c: IConstruct) => {
    if (c instanceof apig.CfnMethod && c.integration) {
      const integration = cdk.Stack.of(c).resolve(c.integration) as Record<string, any>;
      const why = unserved(integration, JSON.stringify(integration.uri ?? ""));
      if (why) addLocalNotice(c, { construct: ownerOf(c), prop: `method ${c.httpMethod} (${c.node.path})`, local: why });
    }
    for (const child of c.node.children) visit(child);
  };
  visit(root);
}
