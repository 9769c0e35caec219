/**
 * The props a Function accepts (SST v2's own plus every CDK FunctionOptions key), and
 * what the local cloud does with the ones it cannot honour. The template always keeps
 * a prop as written; a prop listed in LOCAL_BEHAVIOUR gets a one-time `sst dev`
 * notice saying what happens locally instead.
 */

/** SST v2's Function props that are not CDK FunctionOptions. */
export const SST_FUNCTION_PROPS = [
  "handler", "runtime", "timeout", "memorySize", "diskSize", "environment", "bind", "permissions",
  "nodejs", "go", "java", "python", "container", "copyFiles", "hooks", "functionName", "architecture",
  "tracing", "enableLiveDev", "url", "layers", "disableCloudWatchLogs", "prefetchSecrets", "logRetention",
  "_doNotAllowOthersToBind",
] as const;

/**
 * aws-cdk-lib's FunctionOptions (with EventInvokeConfigOptions). `function-props.test.ts`
 * checks this list against the installed aws-cdk-lib, so an upgrade that adds a prop
 * is noticed.
 */
export const CDK_FUNCTION_OPTIONS = [
  "description", "timeout", "environment", "functionName", "memorySize", "ephemeralStorageSize",
  "initialPolicy", "role", "vpc", "ipv6AllowedForDualStack", "vpcSubnets", "securityGroups",
  "allowAllOutbound", "allowAllIpv6Outbound", "deadLetterQueueEnabled", "deadLetterQueue",
  "deadLetterTopic", "tracing", "snapStart", "profiling", "profilingGroup", "insightsVersion",
  "adotInstrumentation", "paramsAndSecrets", "layers", "reservedConcurrentExecutions", "events",
  "logRetention", "logRemovalPolicy", "logRetentionRole", "logRetentionRetryOptions",
  "currentVersionOptions", "filesystem", "allowPublicSubnet", "environmentEncryption",
  "codeSigningConfig", "architecture", "runtimeManagementMode", "tenancyConfig", "durableConfig",
  "logGroup", "logFormat", "loggingFormat", "recursiveLoop", "applicationLogLevel",
  "applicationLogLevelV2", "systemLogLevel", "systemLogLevelV2",
  "onFailure", "onSuccess", "maxEventAge", "retryAttempts",
] as const;

/** Props SST v2 itself leaves out of FunctionOptions (it has its own version of them). */
const REPLACED_BY_SST = new Set(["ephemeralStorageSize"]);

export const FUNCTION_PROPS: ReadonlySet<string> = new Set<string>([
  ...SST_FUNCTION_PROPS,
  ...CDK_FUNCTION_OPTIONS.filter((p) => !REPLACED_BY_SST.has(p)),
]);

const NO_VPC = "the template keeps it for AWS; locally the function runs outside any VPC and reaches the local cloud and the network directly";
const NO_LAYER = "the template keeps it for AWS; locally no layer code is loaded, so the function runs without it";

/** What happens locally for props the local cloud does not honour. */
export const LOCAL_BEHAVIOUR: Readonly<Record<string, string>> = {
  vpc: NO_VPC,
  vpcSubnets: NO_VPC,
  securityGroups: NO_VPC,
  allowPublicSubnet: NO_VPC,
  allowAllOutbound: NO_VPC,
  allowAllIpv6Outbound: NO_VPC,
  ipv6AllowedForDualStack: NO_VPC,
  filesystem: "the template keeps the EFS mount for AWS; locally there is no EFS, so the mount path does not exist",
  layers: NO_LAYER,
  insightsVersion: NO_LAYER,
  adotInstrumentation: NO_LAYER,
  paramsAndSecrets: NO_LAYER,
  profiling: "CodeGuru profiling is not available locally",
  profilingGroup: "CodeGuru profiling is not available locally",
  snapStart: "SnapStart applies to Java on AWS only; locally nothing changes",
  codeSigningConfig: "code signatures are not checked locally",
  environmentEncryption: "locally the environment is stored unencrypted",
  recursiveLoop: "recursive-loop detection does not run locally",
  runtimeManagementMode: "locally functions run on the local Node.js, whatever the runtime management mode",
  tenancyConfig: "tenant isolation does not apply locally",
  durableConfig: "durable execution is not available locally",
  hooks: "beforeBuild/afterBuild run when the function is bundled for deploy; under sst dev the function runs from source and the hooks do not run",
  "url.streaming": "locally the function URL buffers the streamed response and sends it whole",
  prefetchSecrets: "under sst dev the function reads its secrets from SSM when it starts instead, so `sst secrets set` applies at once; deployed stages prefetch at deploy time",
};
