/** The XML ↔ SDK shape maps of S3's documents (see xml-shape.ts). */
import type { ShapeMap } from "./xml-shape.js";

export const CORS: ShapeMap = {
  lists: {
    CORSRule: "CORSRules",
    AllowedHeader: "AllowedHeaders",
    AllowedMethod: "AllowedMethods",
    AllowedOrigin: "AllowedOrigins",
    ExposeHeader: "ExposeHeaders",
  },
  numbers: ["MaxAgeSeconds"],
};

export const NOTIFICATION: ShapeMap = {
  lists: {
    CloudFunctionConfiguration: "LambdaFunctionConfigurations",
    QueueConfiguration: "QueueConfigurations",
    TopicConfiguration: "TopicConfigurations",
    Event: "Events",
    FilterRule: "FilterRules",
  },
  fields: { CloudFunction: "LambdaFunctionArn", Queue: "QueueArn", Topic: "TopicArn", S3Key: "Key" },
};

export const TAGGING: ShapeMap = { wrapped: { TagSet: "Tag" } };
export const VERSIONING: ShapeMap = { fields: { MfaDelete: "MFADelete" } };
export const ENCRYPTION: ShapeMap = { lists: { Rule: "Rules" }, booleans: ["BucketKeyEnabled"] };
export const PUBLIC_ACCESS_BLOCK: ShapeMap = {
  booleans: ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"],
};
export const LIFECYCLE: ShapeMap = {
  lists: { Rule: "Rules", Transition: "Transitions", NoncurrentVersionTransition: "NoncurrentVersionTransitions" },
  numbers: ["Days", "NoncurrentDays", "NewerNoncurrentVersions", "DaysAfterInitiation", "ObjectSizeGreaterThan", "ObjectSizeLessThan"],
  booleans: ["ExpiredObjectDeleteMarker"],
};
export const OWNERSHIP: ShapeMap = { lists: { Rule: "Rules" } };
export const DELETE_REQUEST: ShapeMap = { lists: { Object: "Objects" }, booleans: ["Quiet"] };
export const COMPLETE_REQUEST: ShapeMap = { lists: { Part: "Parts" }, numbers: ["PartNumber"] };
export const PLAIN: ShapeMap = {};

export const LIST_BUCKETS: ShapeMap = { wrapped: { Buckets: "Bucket" } };
export const LIST_OBJECTS: ShapeMap = { lists: { Contents: "Contents", CommonPrefixes: "CommonPrefixes", ChecksumAlgorithm: "ChecksumAlgorithm" } };
export const LIST_VERSIONS: ShapeMap = { lists: { Version: "Versions", CommonPrefixes: "CommonPrefixes", DeleteMarker: "DeleteMarkers" } };
export const DELETE_RESULT: ShapeMap = { lists: { Deleted: "Deleted", Error: "Errors" } };
export const LIST_PARTS: ShapeMap = { lists: { Part: "Parts" } };
export const LIST_UPLOADS: ShapeMap = { lists: { Upload: "Uploads", CommonPrefixes: "CommonPrefixes" } };
export const ACL: ShapeMap = { wrapped: { Grants: "Grant" }, fields: { AccessControlList: "Grants" } };
