export { LocalCloud, ADMIN_PRINCIPAL, type LocalCloudOptions } from "./cloud.js";
export { AwsError } from "./server/aws-error.js";
export * from "./types.js";
export { StateDamagedError } from "./state-integrity.js";
/** The Lambda runtime alone (worker pools, hot reload): `sst dev` runs Live Lambda invocations from AWS on it. */
export { LambdaRuntime, type FunctionDefinition as LambdaFunctionDefinition, type RuntimeInvokeResult, type CodeResolver } from "./services/lambda/runtime/runtime.js";
export type { LambdaCloud } from "./services/lambda/runtime/cloud-deps.js";
