import { StackContext, Service, Function, Table, Config } from "sst/constructs";
import { ContainerImage } from "aws-cdk-lib/aws-ecs";
import { HttpVersion } from "aws-cdk-lib/aws-cloudfront";

export function Services({ stack }: StackContext) {
  const items = new Table(stack, "Items", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
  const GREETING = new Config.Parameter(stack, "GREETING", { value: "hello" });
  const web = new Service(stack, "Web", {
    path: "services/web",
    port: 8080,
    cpu: "1 vCPU",
    memory: "2 GB",
    storage: "30 GB",
    architecture: "arm64",
    scaling: { minContainers: 2, maxContainers: 4, cpuUtilization: 60, requestsPerContainer: 1000 },
    bind: [items, GREETING],
    permissions: ["sqs"],
    environment: { MODE: "production" },
    logRetention: "one_week",
    cdk: {
      container: { image: ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:latest") },
      cloudfrontDistribution: { httpVersion: HttpVersion.HTTP1_1 },
      applicationLoadBalancerTargetGroup: { healthCheck: { path: "/health" } },
    },
  });
  new Service(stack, "Worker", {
    path: "services/web",
    port: 3000,
    cdk: { applicationLoadBalancer: false, container: { image: ContainerImage.fromRegistry("public.ecr.aws/docker/library/busybox:latest") } },
  });
  const reader = new Function(stack, "Reader", { handler: "packages/functions/src/url.handler", bind: [web] });
  stack.addOutputs({ WebUrl: web.url!, ReaderName: reader.functionName });
}
