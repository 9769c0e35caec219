/**
 * A container service's resources (what SST v2's Service writes): ECS, Elastic Load
 * Balancing v2 and Application Auto Scaling deploy recorded, with AWS's id formats and
 * the attributes other resources read; an update in place keeps them, a replacement
 * property gives new ones.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "./test-stack.js";

let t: TestCloud;
before(async () => { t = await startTestCloud(); });
after(() => t.stop());

function template(opts: { maxCapacity: number; port: number }) {
  return {
    Resources: {
      Cluster: { Type: "AWS::ECS::Cluster", Properties: { ClusterName: "dev-app-Web" } },
      Task: {
        Type: "AWS::ECS::TaskDefinition",
        Properties: { Family: "devappWebTask", Cpu: "256", Memory: "512", NetworkMode: "awsvpc", RequiresCompatibilities: ["FARGATE"], ContainerDefinitions: [{ Name: "Container", Image: "nginx", PortMappings: [{ ContainerPort: opts.port }] }] },
      },
      Lb: { Type: "AWS::ElasticLoadBalancingV2::LoadBalancer", Properties: { Scheme: "internet-facing", Type: "application", Subnets: ["subnet-1", "subnet-2"] } },
      Tg: { Type: "AWS::ElasticLoadBalancingV2::TargetGroup", Properties: { Port: 80, Protocol: "HTTP", TargetType: "ip", VpcId: "vpc-1" } },
      Listener: {
        Type: "AWS::ElasticLoadBalancingV2::Listener",
        Properties: { LoadBalancerArn: { Ref: "Lb" }, Port: 80, Protocol: "HTTP", DefaultActions: [{ Type: "forward", TargetGroupArn: { Ref: "Tg" } }] },
      },
      Service: {
        Type: "AWS::ECS::Service",
        DependsOn: ["Listener"],
        Properties: { Cluster: { Ref: "Cluster" }, TaskDefinition: { Ref: "Task" }, LaunchType: "FARGATE", LoadBalancers: [{ ContainerName: "Container", ContainerPort: opts.port, TargetGroupArn: { Ref: "Tg" } }] },
      },
      Target: {
        Type: "AWS::ApplicationAutoScaling::ScalableTarget",
        Properties: {
          MinCapacity: 1, MaxCapacity: opts.maxCapacity, ScalableDimension: "ecs:service:DesiredCount", ServiceNamespace: "ecs",
          ResourceId: { "Fn::Join": ["", ["service/", { Ref: "Cluster" }, "/", { "Fn::GetAtt": ["Service", "Name"] }]] },
        },
      },
      Requests: {
        Type: "AWS::ApplicationAutoScaling::ScalingPolicy",
        Properties: {
          PolicyName: "RequestScaling", PolicyType: "TargetTrackingScaling", ScalingTargetId: { Ref: "Target" },
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 500,
            PredefinedMetricSpecification: {
              PredefinedMetricType: "ALBRequestCountPerTarget",
              ResourceLabel: { "Fn::Join": ["", [{ "Fn::GetAtt": ["Lb", "LoadBalancerFullName"] }, "/", { "Fn::GetAtt": ["Tg", "TargetGroupFullName"] }]] },
            },
          },
        },
      },
    },
    Outputs: {
      ClusterArn: { Value: { "Fn::GetAtt": ["Cluster", "Arn"] } },
      Dns: { Value: { "Fn::GetAtt": ["Lb", "DNSName"] } },
      Zone: { Value: { "Fn::GetAtt": ["Lb", "CanonicalHostedZoneID"] } },
      ServiceName: { Value: { "Fn::GetAtt": ["Service", "Name"] } },
      TaskArn: { Ref: "Task" } as any,
    },
  };
}

test("ECS, load balancer and scaling resources deploy recorded with AWS-shaped ids and attributes", async () => {
  const body: any = template({ maxCapacity: 2, port: 3000 });
  body.Outputs.TaskArn = { Value: { Ref: "Task" } };
  const { outputs, id } = await deployTestStack(t.cloud, "svc", body);
  assert.equal(id.Cluster, "dev-app-Web");
  assert.match(outputs.ClusterArn, /^arn:aws:ecs:us-east-1:\d{12}:cluster\/dev-app-Web$/);
  assert.match(outputs.TaskArn, /^arn:aws:ecs:us-east-1:\d{12}:task-definition\/devappWebTask:1$/);
  assert.match(id.Service, /^arn:aws:ecs:us-east-1:\d{12}:service\/dev-app-Web\/.+$/);
  assert.equal(outputs.ServiceName, id.Service.split("/").at(-1));
  assert.match(id.Lb, /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/);
  assert.match(outputs.Dns, /^[a-z0-9-]+-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
  assert.equal(outputs.Zone, "Z35SXDOTRQ7X7K");
  assert.match(id.Listener, new RegExp(`^arn:aws:elasticloadbalancing:us-east-1:\\d{12}:listener/${id.Lb.split(":loadbalancer/")[1]}/[0-9a-f]{16}$`));
  assert.match(id.Tg, /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/);
  assert.equal(id.Target, `service/dev-app-Web/${outputs.ServiceName}|ecs:service:DesiredCount|ecs`);
  assert.match(id.Requests, /^arn:aws:autoscaling:us-east-1:\d{12}:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/dev-app-Web\/.+:policyName\/RequestScaling$/);

  // In place: the scaling limit. Replaced: the task definition (a new revision) — the rest keeps its ids.
  const next: any = template({ maxCapacity: 4, port: 8080 });
  next.Outputs.TaskArn = { Value: { Ref: "Task" } };
  const updated = await deployTestStack(t.cloud, "svc", next, true);
  for (const k of ["Cluster", "Lb", "Tg", "Listener", "Target", "Requests"]) assert.equal(updated.id[k], id[k], k);
  assert.equal(updated.outputs.Dns, outputs.Dns, "the load balancer keeps its DNS name");
  assert.match(updated.outputs.TaskArn, /task-definition\/devappWebTask:\d+$/);

  await t.cloud.cloudformation.call("DeleteStack", { StackName: "svc" });
  const gone = await t.cloud.cloudformation.call("DescribeStacks", { StackName: id.Cluster }).catch((e: Error) => e);
  assert.ok(gone instanceof Error);
});
