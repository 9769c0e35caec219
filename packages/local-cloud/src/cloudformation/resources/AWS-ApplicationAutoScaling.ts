/**
 * Application Auto Scaling (AWS::ApplicationAutoScaling::ScalableTarget, ScalingPolicy):
 * recorded, not served — nothing local scales. The ids are AWS's: a scalable target's
 * is `{ResourceId}|{ScalableDimension}|{ServiceNamespace}`, a policy's its ARN.
 */
import { randomUUID } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import type { ResourceProvider } from "../provider.js";

export const applicationAutoScalingProviders: Record<string, ResourceProvider> = {
  "AWS::ApplicationAutoScaling::ScalableTarget": recordedProvider({
    replacementProps: ["ResourceId", "ScalableDimension", "ServiceNamespace"],
    id: (p) => `${p.ResourceId}|${p.ScalableDimension}|${p.ServiceNamespace}`,
    attributes: (id) => ({ Id: id }),
  }),
  "AWS::ApplicationAutoScaling::ScalingPolicy": recordedProvider({
    replacementProps: ["PolicyName", "ResourceId", "ScalableDimension", "ServiceNamespace", "ScalingTargetId"],
    id: (p, ctx) => {
      const resource = String(p.ResourceId ?? String(p.ScalingTargetId ?? "").split("|")[0]);
      const namespace = p.ServiceNamespace ?? String(p.ScalingTargetId ?? "").split("|")[2] ?? "ecs";
      return `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:scalingPolicy:${randomUUID()}:resource/${namespace}/${resource}:policyName/${p.PolicyName ?? ctx.logicalId}`;
    },
    attributes: (arn) => ({ Arn: arn }),
  }),
};
