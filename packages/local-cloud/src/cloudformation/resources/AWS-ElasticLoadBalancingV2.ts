/**
 * Elastic Load Balancing v2 (AWS::ElasticLoadBalancingV2::LoadBalancer, Listener,
 * TargetGroup): recorded, not served. A Service's load balancer deploys with the ARNs,
 * names and DNS name AWS gives (the DNS name resolves nowhere: nothing listens behind
 * it locally), so CloudFront origins, scaling policies and outputs that read them deploy.
 */
import { randomBytes } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import type { ProviderContext, ResourceProvider } from "../provider.js";

function elbArn(ctx: ProviderContext, resource: string): string {
  return `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.accountId}:${resource}`;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** "app/<name>/<id>" from a load balancer ARN (what metrics and scaling call its full name). */
function fullName(arn: string, kind: "loadbalancer" | "targetgroup"): string {
  return arn.slice(arn.indexOf(`:${kind}/`) + kind.length + 2);
}

/** ELB names: at most 32 letters, digits and hyphens, not starting or ending with a hyphen. */
function elbName(p: Record<string, any>, ctx: ProviderContext): string {
  return (p.Name ?? ctx.physicalName({ maxLength: 32 })).replace(/[^A-Za-z0-9-]/g, "").replace(/^-+|-+$/g, "").slice(0, 32);
}

export const elbv2Providers: Record<string, ResourceProvider> = {
  "AWS::ElasticLoadBalancingV2::LoadBalancer": recordedProvider({
    replacementProps: ["Name", "Scheme", "Type"],
    nameProperty: "Name",
    id: (p, ctx) => elbArn(ctx, `loadbalancer/${p.Type === "network" ? "net" : "app"}/${elbName(p, ctx)}/${hex(8)}`),
    attributes: (arn, p, ctx) => {
      const [, name, id] = fullName(arn, "loadbalancer").split("/");
      // A stable number from the ARN's id, so an update keeps the DNS name.
      const digits = String(parseInt(id.slice(0, 8), 16)).padStart(10, "0").slice(0, 10);
      return {
        LoadBalancerArn: arn,
        LoadBalancerName: name,
        LoadBalancerFullName: fullName(arn, "loadbalancer"),
        DNSName: `${p.Scheme === "internal" ? "internal-" : ""}${name}-${digits}.${ctx.region}.elb.amazonaws.com`.toLowerCase(),
        CanonicalHostedZoneID: "Z35SXDOTRQ7X7K",
        SecurityGroups: Array.isArray(p.SecurityGroups) ? p.SecurityGroups : [],
      };
    },
  }),
  "AWS::ElasticLoadBalancingV2::Listener": recordedProvider({
    replacementProps: ["LoadBalancerArn"],
    id: (p, ctx) => {
      const lb = String(p.LoadBalancerArn ?? "");
      return elbArn(ctx, `listener/${lb.includes(":loadbalancer/") ? fullName(lb, "loadbalancer") : `app/unknown/${hex(8)}`}/${hex(8)}`);
    },
    attributes: (arn) => ({ ListenerArn: arn }),
  }),
  "AWS::ElasticLoadBalancingV2::TargetGroup": recordedProvider({
    replacementProps: ["Name", "Port", "Protocol", "TargetType", "VpcId", "ProtocolVersion"],
    nameProperty: "Name",
    id: (p, ctx) => elbArn(ctx, `targetgroup/${elbName(p, ctx)}/${hex(8)}`),
    attributes: (arn) => ({
      TargetGroupArn: arn,
      TargetGroupFullName: `targetgroup/${fullName(arn, "targetgroup")}`,
      TargetGroupName: fullName(arn, "targetgroup").split("/")[0],
      LoadBalancerArns: [],
    }),
  }),
};
