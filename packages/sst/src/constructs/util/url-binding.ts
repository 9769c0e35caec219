/**
 * The `url` binding of a construct served outside Lambda (sites, Service), as SST v2
 * writes it: not deployed, the local dev server's URL as a plain value (`dev.url`,
 * default "localhost"); deployed, the URL through SSM ("site_url"), so a bound function
 * does not depend on the construct's stack — which often depends on the function's API,
 * and the two would make a cycle across stacks.
 */
import * as cdk from "aws-cdk-lib";
import { App } from "../App.js";
import type { BindingProps, SSTConstruct } from "./binding.js";

export function urlBinding(
  c: SSTConstruct,
  clientPackage: string,
  url: { doNotDeploy: boolean; devUrl?: string; deployedUrl?: string },
): BindingProps {
  const app = App.of(c);
  const stack = cdk.Stack.of(c);
  const parameter = `arn:${stack.partition}:ssm:${app.region}:${app.account}:parameter${app.ssmPrefix}${c.constructType}/${c.id}/url`;
  return {
    clientPackage,
    variables: {
      url: url.doNotDeploy ? { type: "plain", value: url.devUrl ?? "localhost" } : { type: "site_url", value: url.deployedUrl! },
    },
    permissions: { "ssm:GetParameters": [parameter] },
  };
}
