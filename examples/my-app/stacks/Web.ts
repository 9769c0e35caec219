import { StackContext, NextjsSite, use } from "sst/constructs";
import { API } from "./API";

// The seed's Web stack: a Next.js app that lists users through the Api. Under `sst dev`
// it is not built (SST v2): run `npm run dev` in packages/web (next dev through sst bind).
export function Web({ stack }: StackContext) {
  const { api } = use(API);

  const site = new NextjsSite(stack, "Web", {
    path: "packages/web",
    environment: {
      NEXT_PUBLIC_API_URL: api.url,
      NEXT_PUBLIC_REGION: stack.region,
    },
    customDomain: stack.stage === "production"
      ? {
          domainName: "myapp.com",
          domainAlias: "www.myapp.com",
        }
      : undefined,
    memorySize: "1024 MB",
    timeout: "30 seconds",
  });

  stack.addOutputs({
    SiteUrl: site.customDomainUrl ?? site.url ?? "localhost",
  });

  return { site };
}
