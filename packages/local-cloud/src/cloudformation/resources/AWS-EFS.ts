/**
 * EFS (AWS::EFS::FileSystem, MountTarget, AccessPoint): recorded, not served. A
 * function's `filesystem` has no mount locally; these give the ids and ARNs the
 * function's configuration and policies reference.
 */
import { ec2Id, recordedProvider } from "./recorded.js";
import { arn, type ResourceProvider } from "../provider.js";

export const efsProviders: Record<string, ResourceProvider> = {
  "AWS::EFS::FileSystem": recordedProvider({
    replacementProps: ["Encrypted", "KmsKeyId", "PerformanceMode", "AvailabilityZoneName"],
    id: () => ec2Id("fs"),
    attributes: (id, _p, ctx) => ({ FileSystemId: id, Arn: arn(ctx, "elasticfilesystem", `file-system/${id}`) }),
  }),
  "AWS::EFS::MountTarget": recordedProvider({
    replacementProps: ["FileSystemId", "SubnetId", "IpAddress"],
    id: () => ec2Id("fsmt"),
    attributes: (id, p) => ({ Id: id, IpAddress: p.IpAddress ?? "10.0.0.10" }),
  }),
  "AWS::EFS::AccessPoint": recordedProvider({
    replacementProps: ["FileSystemId", "PosixUser", "RootDirectory"],
    id: () => ec2Id("fsap"),
    attributes: (id, _p, ctx) => ({ AccessPointId: id, Arn: arn(ctx, "elasticfilesystem", `access-point/${id}`) }),
  }),
};
