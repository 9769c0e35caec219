export { LocalCloud, ADMIN_PRINCIPAL, type LocalCloudOptions } from "./cloud.js";
export { AwsError } from "./server/aws-error.js";
export * from "./types.js";
export { StateDamagedError } from "./state-integrity.js";
