/**
 * What SST v2 apps add for AWS but the local cloud does not serve — VPC networking,
 * EFS, DNS records, certificates, KMS keys, layer
 * versions, async invoke settings, SST's sourcemap uploader — deploys with AWS-shaped
 * ids and attributes; SST's secret prefetcher writes secrets into a function's
 * environment.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "./test-stack.js";

let t: TestCloud;
before(async () => { t = await startTestCloud(); });
after(() => t.stop());

function deploy(name: string, body: unknown, update = false) {
  return deployTestStack(t.cloud, name, body, update);
}

const role = {
  Type: "AWS::IAM::Role",
  Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } },
};
const fn = (env: Record<string, string> = {}) => ({
  Type: "AWS::Lambda::Function",
  Properties: {
    Runtime: "nodejs22.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] },
    Code: { ZipFile: "exports.handler = async () => 'ok';" }, Environment: { Variables: env },
  },
});

test("networking, EFS, DNS, certificates, keys, layers and invoke settings deploy recorded, with AWS-shaped ids", async () => {
  const { outputs } = await deploy("recorded", {
    Resources: {
      Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
      Subnet: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.0.0/24", AvailabilityZone: "us-east-1a" } },
      RouteTable: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: { Ref: "Vpc" } } },
      Assoc: { Type: "AWS::EC2::SubnetRouteTableAssociation", Properties: { SubnetId: { Ref: "Subnet" }, RouteTableId: { Ref: "RouteTable" } } },
      Igw: { Type: "AWS::EC2::InternetGateway", Properties: {} },
      Attach: { Type: "AWS::EC2::VPCGatewayAttachment", Properties: { VpcId: { Ref: "Vpc" }, InternetGatewayId: { Ref: "Igw" } } },
      Route: { Type: "AWS::EC2::Route", Properties: { RouteTableId: { Ref: "RouteTable" }, DestinationCidrBlock: "0.0.0.0/0", GatewayId: { Ref: "Igw" } }, DependsOn: ["Attach"] },
      Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
      Nat: { Type: "AWS::EC2::NatGateway", Properties: { SubnetId: { Ref: "Subnet" }, AllocationId: { "Fn::GetAtt": ["Eip", "AllocationId"] } } },
      Sg: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "fn", VpcId: { Ref: "Vpc" } } },
      SgIn: { Type: "AWS::EC2::SecurityGroupIngress", Properties: { GroupId: { "Fn::GetAtt": ["Sg", "GroupId"] }, IpProtocol: "tcp", FromPort: 2049, ToPort: 2049, SourceSecurityGroupId: { "Fn::GetAtt": ["Sg", "GroupId"] } } },
      Fs: { Type: "AWS::EFS::FileSystem", Properties: { Encrypted: true } },
      Mount: { Type: "AWS::EFS::MountTarget", Properties: { FileSystemId: { Ref: "Fs" }, SubnetId: { Ref: "Subnet" }, SecurityGroups: [{ "Fn::GetAtt": ["Sg", "GroupId"] }] } },
      AccessPoint: { Type: "AWS::EFS::AccessPoint", Properties: { FileSystemId: { Ref: "Fs" } } },
      Cert: { Type: "AWS::CertificateManager::Certificate", Properties: { DomainName: "api.example.com", ValidationMethod: "DNS" } },
      Record: { Type: "AWS::Route53::RecordSet", Properties: { Name: "api.example.com.", Type: "A", HostedZoneId: "Z1", AliasTarget: { DNSName: "x", HostedZoneId: "Z2" } } },
      Key: { Type: "AWS::KMS::Key", Properties: { KeyPolicy: {} } },
      Layer: { Type: "AWS::Lambda::LayerVersion", Properties: { LayerName: "tools", Content: { S3Bucket: "b", S3Key: "k" } } },
      Role: role,
      Fn: { ...fn(), Properties: { ...fn().Properties, Layers: [{ Ref: "Layer" }] } },
      Invoke: { Type: "AWS::Lambda::EventInvokeConfig", Properties: { FunctionName: { Ref: "Fn" }, Qualifier: "$LATEST", MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } },
      Pool: { Type: "AWS::Cognito::UserPool", Properties: { UserPoolName: "users" } },
      Client: { Type: "AWS::Cognito::UserPoolClient", Properties: { UserPoolId: { Ref: "Pool" } } },
      Identity: { Type: "AWS::Cognito::IdentityPool", Properties: { AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: [{ ClientId: { Ref: "Client" }, ProviderName: { "Fn::GetAtt": ["Pool", "ProviderName"] } }] } },
      Uploader: { Type: "Custom::SourcemapUploader", Properties: { ServiceToken: { "Fn::GetAtt": ["Fn", "Arn"] }, app: "a", stage: "s", tarBucket: "t", srcBucket: "s", sourcemaps: [] } },
    },
    Outputs: {
      Vpc: { Value: { Ref: "Vpc" } },
      DefaultSg: { Value: { "Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"] } },
      Subnet: { Value: { Ref: "Subnet" } },
      Az: { Value: { "Fn::GetAtt": ["Subnet", "AvailabilityZone"] } },
      SgId: { Value: { "Fn::GetAtt": ["Sg", "GroupId"] } },
      FsArn: { Value: { "Fn::GetAtt": ["Fs", "Arn"] } },
      ApArn: { Value: { "Fn::GetAtt": ["AccessPoint", "Arn"] } },
      Cert: { Value: { Ref: "Cert" } },
      Record: { Value: { Ref: "Record" } },
      KeyArn: { Value: { "Fn::GetAtt": ["Key", "Arn"] } },
      Layer: { Value: { Ref: "Layer" } },
      Pool: { Value: { Ref: "Pool" } },
      PoolUrl: { Value: { "Fn::GetAtt": ["Pool", "ProviderURL"] } },
      Client: { Value: { Ref: "Client" } },
      Identity: { Value: { Ref: "Identity" } },
    },
  });
  assert.match(outputs.Vpc, /^vpc-[0-9a-f]{17}$/);
  assert.match(outputs.DefaultSg, /^sg-[0-9a-f]{17}$/);
  assert.match(outputs.Subnet, /^subnet-[0-9a-f]{17}$/);
  assert.equal(outputs.Az, "us-east-1a");
  assert.match(outputs.SgId, /^sg-/);
  assert.match(outputs.FsArn, /^arn:aws:elasticfilesystem:us-east-1:000000000000:file-system\/fs-[0-9a-f]{17}$/);
  assert.match(outputs.ApArn, /:access-point\/fsap-/);
  assert.match(outputs.Cert, /^arn:aws:acm:us-east-1:000000000000:certificate\/[0-9a-f-]{36}$/);
  assert.equal(outputs.Record, "api.example.com.");
  assert.match(outputs.KeyArn, /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
  assert.match(outputs.Layer, /^arn:aws:lambda:us-east-1:000000000000:layer:tools:\d+$/);
  assert.match(outputs.Pool, /^us-east-1_[A-Za-z0-9]{9}$/);
  assert.equal(outputs.PoolUrl, `https://cognito-idp.us-east-1.amazonaws.com/${outputs.Pool}`);
  assert.match(outputs.Client, /^[a-z0-9]{26}$/);
  assert.match(outputs.Identity, /^us-east-1:[0-9a-f-]{36}$/);

  // Recorded resources are deleted with their stack like any other.
  await t.cloud.cloudformation.call("DeleteStack", { StackName: "recorded" });
  const gone = await t.cloud.cloudformation.call("DescribeStacks", { StackName: "recorded" }).catch((e: Error) => e);
  assert.ok(gone instanceof Error || gone.Stacks[0].StackStatus === "DELETE_COMPLETE");
});

test("SST's secret prefetcher writes bound secrets into the function's environment, from the stage or the fallback", async () => {
  await t.cloud.ssm.call("PutParameter", { Name: "/sst/app/dev/Secret/STRIPE_KEY/value", Value: "sk_stage", Type: "SecureString" });
  await t.cloud.ssm.call("PutParameter", { Name: "/sst/app/.fallback/Secret/SHARED/value", Value: "from-fallback", Type: "SecureString" });
  const env = {
    SST_APP: "app", SST_STAGE: "dev", SST_SSM_PREFIX: "/sst/app/dev/",
    SST_Secret_value_STRIPE_KEY: "__FETCH_FROM_SSM__", SST_Secret_value_SHARED: "__FETCH_FROM_SSM__", OTHER: "kept",
  };
  await deploy("prefetch", {
    Resources: {
      Role: role,
      Fn: fn(env),
      Prefetcher: { Type: "Custom::SecretPrefetcher", Properties: { ServiceToken: { "Fn::GetAtt": ["Fn", "Arn"] }, version: "1", functionName: { Ref: "Fn" } } },
    },
  });
  const name = (await t.cloud.cloudformation.call("DescribeStackResources", { StackName: "prefetch" })).StackResources.find((r: any) => r.LogicalResourceId === "Fn").PhysicalResourceId;
  const config = await t.cloud.lambda.call("GetFunctionConfiguration", { FunctionName: name });
  assert.equal(config.Environment.Variables.SST_Secret_value_STRIPE_KEY, "sk_stage");
  assert.equal(config.Environment.Variables.SST_Secret_value_SHARED, "from-fallback");
  assert.equal(config.Environment.Variables.OTHER, "kept");

  // A secret set nowhere fails the deploy, naming it, as on AWS.
  await t.cloud.cloudformation.call("CreateStack", {
    StackName: "prefetch-missing", Capabilities: ["CAPABILITY_IAM"],
    TemplateBody: JSON.stringify({ Resources: { Role: role, Fn: fn({ ...env, SST_Secret_value_NOPE: "__FETCH_FROM_SSM__" }), P: { Type: "Custom::SecretPrefetcher", Properties: { ServiceToken: "x", functionName: { Ref: "Fn" } } } } }),
  });
  const events = (await t.cloud.cloudformation.call("DescribeStackEvents", { StackName: "prefetch-missing" })).StackEvents;
  assert.ok(events.some((e: any) => e.ResourceStatus === "CREATE_FAILED" && /not set in the "dev" stage: NOPE/.test(e.ResourceStatusReason)));
});
