/**
 * ECS (AWS::ECS::Cluster, TaskDefinition, Service): recorded, not served. The local
 * cloud runs no containers (there is no Docker); a Service construct's cluster, task
 * definition and service deploy with the ids and attributes AWS gives them, so the load
 * balancer, scaling and outputs that reference them deploy too.
 */
import { randomBytes } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import type { ProviderContext, ResourceProvider } from "../provider.js";

function ecsArn(ctx: ProviderContext, resource: string): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:${resource}`;
}

/** The cluster's name from its ARN (`…:cluster/<name>`) or the name itself. */
function clusterName(cluster: unknown): string {
  const s = String(cluster ?? "default");
  return s.includes(":cluster/") ? s.slice(s.indexOf(":cluster/") + ":cluster/".length) : s;
}

export const ecsProviders: Record<string, ResourceProvider> = {
  "AWS::ECS::Cluster": recordedProvider({
    replacementProps: ["ClusterName"],
    nameProperty: "ClusterName",
    id: (p, ctx) => p.ClusterName ?? ctx.physicalName({ maxLength: 255 }),
    attributes: (name, _p, ctx) => ({ Arn: ecsArn(ctx, `cluster/${name}`) }),
  }),
  // Ref is the ARN of the revision; every property change is a new revision (a replacement).
  "AWS::ECS::TaskDefinition": recordedProvider({
    replacementProps: [
      "ContainerDefinitions", "Cpu", "Memory", "Family", "NetworkMode", "RequiresCompatibilities", "RuntimePlatform",
      "TaskRoleArn", "ExecutionRoleArn", "EphemeralStorage", "Volumes", "PlacementConstraints", "ProxyConfiguration",
    ],
    id: (p, ctx) => ecsArn(ctx, `task-definition/${p.Family ?? ctx.physicalName({ maxLength: 255, separator: "" })}:1`),
    attributes: (arn) => ({ TaskDefinitionArn: arn }),
  }),
  "AWS::ECS::Service": recordedProvider({
    replacementProps: ["Cluster", "ServiceName", "LaunchType", "Role", "SchedulingStrategy"],
    nameProperty: "ServiceName",
    id: (p, ctx) => ecsArn(ctx, `service/${clusterName(p.Cluster)}/${p.ServiceName ?? `${ctx.physicalName({ maxLength: 200 })}-${randomBytes(6).toString("hex")}`}`),
    attributes: (arn) => ({ ServiceArn: arn, Name: arn.slice(arn.lastIndexOf("/") + 1) }),
  }),
};
