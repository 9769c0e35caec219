/**
 * The Lambda records we keep, in the shapes the API returns (PascalCase, as the SDK
 * sees them), plus what only we need (where the code lives).
 */

export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  TracingConfig: { Mode: string };
  RevisionId: string;
  State: string;
  LastUpdateStatus: string;
  PackageType: string;
  Architectures: string[];
  EphemeralStorage: { Size: number };
  LoggingConfig: { LogFormat: string; LogGroup: string };
  SnapStart: { ApplyOn: string; OptimizationStatus: string };
  Layers?: { Arn: string; CodeSize: number }[];
  DeadLetterConfig?: { TargetArn?: string };
  VpcConfig?: unknown;
}

export interface StoredFunction {
  config: FunctionConfiguration;
  /** The unzipped code. */
  codeDir: string;
  tags: Record<string, string>;
  /** On $LATEST: the number the next PublishVersion gets. */
  nextVersion?: number;
  /** PutFunctionConcurrency; also caps the function's worker pool. */
  reservedConcurrency?: number;
}

export interface AliasConfiguration {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RevisionId: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Principal: { Service: string } | { AWS: string } | string;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface StoredMapping {
  UUID: string;
  EventSourceArn: string;
  FunctionArn: string;
  /** Epoch seconds, as the API's timestamp shape serializes it. */
  LastModified: number;
  LastProcessingResult: string;
  State: "Enabled" | "Disabled";
  StateTransitionReason: string;
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  StartingPosition?: "LATEST" | "TRIM_HORIZON" | "AT_TIMESTAMP";
  StartingPositionTimestamp?: number;
  FunctionResponseTypes?: string[];
  FilterCriteria?: { Filters: { Pattern: string }[] };
  DestinationConfig?: { OnFailure?: { Destination?: string }; OnSuccess?: { Destination?: string } };
  MaximumRetryAttempts?: number;
  MaximumRecordAgeInSeconds?: number;
  BisectBatchOnFunctionError?: boolean;
  ParallelizationFactor?: number;
  TumblingWindowInSeconds?: number;
  ScalingConfig?: { MaximumConcurrency?: number };
  EventSourceMappingArn?: string;
}
