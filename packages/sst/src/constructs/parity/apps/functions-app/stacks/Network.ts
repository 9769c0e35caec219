import { StackContext } from "sst/constructs";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as efs from "aws-cdk-lib/aws-efs";

export function Network({ stack }: StackContext) {
  const vpc = new ec2.Vpc(stack, "Vpc", {
    availabilityZones: ["us-east-1a", "us-east-1b"],
    natGateways: 0,
    subnetConfiguration: [
      { name: "public", subnetType: ec2.SubnetType.PUBLIC },
      { name: "isolated", subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const fileSystem = new efs.FileSystem(stack, "Files", { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  const accessPoint = fileSystem.addAccessPoint("AccessPoint", {
    path: "/data",
    createAcl: { ownerUid: "1001", ownerGid: "1001", permissions: "750" },
    posixUser: { uid: "1001", gid: "1001" },
  });
  return { vpc, accessPoint };
}
