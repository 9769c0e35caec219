/**
 * CDK context of every synth `sst dev` deploys to the local cloud (the synth process's
 * and the one redone in process). aws-cdk-lib records a creation stack trace for each
 * CloudFormation element in the assembly's manifest, capturing and source-mapping a
 * stack per resource (~8 % of the seed app's synth); nothing reads them on the local
 * target (no toolkit prints them, the templates do not carry them), so a local dev
 * synth goes without. Deploy-mode synths and the AWS dev session keep them. The key is
 * aws-cdk-lib's `cxapi.DISABLE_CREATION_STACK_TRACES`, spelled out so that the dev
 * process need not load aws-cdk-lib to name it.
 */
export const LOCAL_DEV_SYNTH_CONTEXT: Readonly<Record<string, unknown>> = { "aws:cdk:disable-creation-stack-traces": true };
