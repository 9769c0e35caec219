export { App, type AppProps, type AppMode, type DefaultFunctionProps } from "./App.js";
export { Stack, type SSTStackProps } from "./Stack.js";
export { use, dependsOn, getStack, type StackContext, type FunctionalStack, type StackProps } from "./FunctionalStack.js";
export {
  Function, type FunctionProps, type FunctionDefinition, type FunctionUrlProps, type NodeJSProps,
  type FunctionDefinitionRecord, type CopyFile, type Runtime,
} from "./Function.js";
export { ApiGatewayV1Api, type ApiGatewayV1ApiProps, type ApiGatewayV1ApiRouteProps, type ApiGatewayV1ApiFunctionRouteProps, type ApiGatewayV1ApiAuthorizer, type ApiGatewayV1ApiCustomDomainProps, type ApiGatewayV1ApiAccessLogProps } from "./ApiGatewayV1Api.js";
export { AppSyncApi, type AppSyncApiProps, type AppSyncApiResolverProps, type AppSyncApiDataSource, type AppSyncApiDomainProps, type AppSyncApiCdkGraphqlProps, type MappingTemplate } from "./AppSyncApi.js";
export { RDS, type RDSProps, type RDSEngineType, type RDSTypes, type RDSCdkServerlessClusterProps } from "./RDS.js";
export { Api, type ApiProps, type ApiRouteProps, type ApiFunctionRouteProps, type ApiAuthorizer, type ApiCorsProps } from "./Api.js";
export { Table, type TableProps, type TableFieldType, type TableGlobalIndexProps, type TableLocalIndexProps, type TableConsumerProps } from "./Table.js";
export { Bucket, type BucketProps, type BucketEvent, type BucketFilter, type BucketCorsRule } from "./Bucket.js";
export { Queue, type QueueProps, type QueueConsumerProps } from "./Queue.js";
export { Config } from "./Config.js";
export { Auth, type AuthProps, type ApiAttachmentProps } from "./Auth.js";
export { Secret } from "./Secret.js";
export { Parameter, type ParameterProps } from "./Parameter.js";
export { type SSTConstruct, type BindingProps, isSSTConstruct } from "./util/binding.js";
export { type Permissions, type BindingResource } from "./util/permission.js";
export { toCdkDuration, toMB, type SSTDuration, type SSTSize } from "./util/duration.js";
export { Topic, type TopicProps, type TopicSubscriber } from "./Topic.js";
export { EventBus, type EventBusProps, type EventBusRuleProps, type EventBusTarget } from "./EventBus.js";
export { Cron, type CronProps, type CronJobProps } from "./Cron.js";
export { Job, type JobProps, type JobMemorySize, type JobContainerProps } from "./Job.js";
export { KinesisStream, type KinesisStreamProps, type KinesisStreamConsumerProps } from "./KinesisStream.js";
export { Script, type ScriptProps } from "./Script.js";
export { WebSocketApi, type WebSocketApiProps, type WebSocketApiFunctionRouteProps, type WebSocketApiLambdaAuthorizer } from "./WebSocketApi.js";
export { Cognito, type CognitoProps, type CognitoUserPoolTriggers, type CognitoIdentityPoolFederationProps } from "./Cognito.js";
export { BaseSite, type BaseSiteProps, type SiteDevProps, type SiteDomainProps } from "./BaseSite.js";
export { StaticSite, type StaticSiteProps, type StaticSiteFileOptions } from "./StaticSite.js";
export { SsrSite, type SsrSiteProps } from "./SsrSite.js";
export { NextjsSite, type NextjsSiteProps } from "./NextjsSite.js";
export { RemixSite, type RemixSiteProps } from "./RemixSite.js";
export { AstroSite, type AstroSiteProps } from "./AstroSite.js";
export { SvelteKitSite, type SvelteKitSiteProps } from "./SvelteKitSite.js";
export { SolidStartSite, type SolidStartSiteProps } from "./SolidStartSite.js";
export { Service, type ServiceProps, type ServiceDomainProps, type ServiceCdkDistributionProps, type ServiceContainerCacheProps } from "./Service.js";
