/**
 * EC2 networking (AWS::EC2::VPC, Subnet, RouteTable, Route, InternetGateway,
 * SecurityGroup, NatGateway, EIP, VPC endpoints …): recorded, not served. Functions
 * with a VPC run locally without one; these give the ids and attributes the rest of
 * a template reads (subnet ids, security group ids, the VPC's default group).
 */
import { ec2Id, recordedProvider } from "./recorded.js";
import type { ResourceProvider } from "../provider.js";

const list = (v: unknown) => (Array.isArray(v) ? v : []);

export const ec2Providers: Record<string, ResourceProvider> = {
  "AWS::EC2::VPC": recordedProvider({
    replacementProps: ["CidrBlock", "InstanceTenancy", "Ipv4IpamPoolId"],
    id: () => ec2Id("vpc"),
    attributes: (id, p) => ({
      VpcId: id, CidrBlock: p.CidrBlock ?? "10.0.0.0/16", CidrBlockAssociations: [ec2Id("vpc-cidr-assoc")],
      DefaultNetworkAcl: ec2Id("acl"), DefaultSecurityGroup: ec2Id("sg"), Ipv6CidrBlocks: [],
    }),
  }),
  "AWS::EC2::Subnet": recordedProvider({
    replacementProps: ["VpcId", "CidrBlock", "AvailabilityZone", "AvailabilityZoneId"],
    id: () => ec2Id("subnet"),
    attributes: (id, p, ctx) => ({
      SubnetId: id, VpcId: p.VpcId, CidrBlock: p.CidrBlock, AvailabilityZone: p.AvailabilityZone ?? `${ctx.region}a`,
      AvailabilityZoneId: `use1-az${1 + ((p.AvailabilityZone ?? "a").charCodeAt((p.AvailabilityZone ?? "a").length - 1) - 97)}`,
      Ipv6CidrBlocks: list(p.Ipv6CidrBlock ? [p.Ipv6CidrBlock] : []), NetworkAclAssociationId: ec2Id("aclassoc"), OutpostArn: "",
    }),
  }),
  "AWS::EC2::RouteTable": recordedProvider({ replacementProps: ["VpcId"], id: () => ec2Id("rtb"), attributes: (id) => ({ RouteTableId: id }) }),
  "AWS::EC2::SubnetRouteTableAssociation": recordedProvider({ replacementProps: ["SubnetId", "RouteTableId"], id: () => ec2Id("rtbassoc"), attributes: (id) => ({ Id: id }) }),
  "AWS::EC2::Route": recordedProvider({
    replacementProps: ["RouteTableId", "DestinationCidrBlock", "DestinationIpv6CidrBlock"],
    id: (p) => `${p.RouteTableId}|${p.DestinationCidrBlock ?? p.DestinationIpv6CidrBlock ?? ""}`,
  }),
  "AWS::EC2::InternetGateway": recordedProvider({ id: () => ec2Id("igw"), attributes: (id) => ({ InternetGatewayId: id }) }),
  "AWS::EC2::EgressOnlyInternetGateway": recordedProvider({ replacementProps: ["VpcId"], id: () => ec2Id("eigw"), attributes: (id) => ({ Id: id }) }),
  "AWS::EC2::VPCGatewayAttachment": recordedProvider({
    replacementProps: ["VpcId"],
    id: (p) => `IGW|${p.VpcId}`,
    attributes: () => ({ AttachmentType: "igw" }),
  }),
  "AWS::EC2::NatGateway": recordedProvider({ replacementProps: ["SubnetId", "AllocationId"], id: () => ec2Id("nat"), attributes: (id) => ({ NatGatewayId: id }) }),
  "AWS::EC2::EIP": recordedProvider({
    id: () => `203.0.113.${1 + Math.floor(Math.random() * 254)}`,
    attributes: (ip) => ({ PublicIp: ip, AllocationId: ec2Id("eipalloc") }),
  }),
  "AWS::EC2::SecurityGroup": recordedProvider({
    replacementProps: ["GroupDescription", "GroupName", "VpcId"],
    id: () => ec2Id("sg"),
    attributes: (id, p) => ({ GroupId: id, VpcId: p.VpcId }),
  }),
  "AWS::EC2::SecurityGroupIngress": recordedProvider({ replacementProps: ["GroupId", "IpProtocol", "FromPort", "ToPort", "CidrIp", "SourceSecurityGroupId"], id: () => ec2Id("sgr"), attributes: (id) => ({ Id: id }) }),
  "AWS::EC2::SecurityGroupEgress": recordedProvider({ replacementProps: ["GroupId", "IpProtocol", "FromPort", "ToPort", "CidrIp", "DestinationSecurityGroupId"], id: () => ec2Id("sgr"), attributes: (id) => ({ Id: id }) }),
  "AWS::EC2::VPCEndpoint": recordedProvider({
    replacementProps: ["VpcId", "ServiceName", "VpcEndpointType"],
    id: () => ec2Id("vpce"),
    attributes: (id) => ({ Id: id, DnsEntries: [], NetworkInterfaceIds: [], CreationTimestamp: new Date().toISOString() }),
  }),
  "AWS::EC2::NetworkAcl": recordedProvider({ replacementProps: ["VpcId"], id: () => ec2Id("acl"), attributes: (id) => ({ Id: id }) }),
  "AWS::EC2::NetworkAclEntry": recordedProvider({ replacementProps: ["NetworkAclId", "RuleNumber", "Egress"], id: () => ec2Id("aclentry") }),
  "AWS::EC2::SubnetNetworkAclAssociation": recordedProvider({ replacementProps: ["SubnetId", "NetworkAclId"], id: () => ec2Id("aclassoc"), attributes: (id) => ({ AssociationId: id }) }),
};
