/**
 * The resource types the local cloud can provision, one provider a type. Custom
 * resources (Custom::* and AWS::CloudFormation::CustomResource) without a native
 * provider go to their ServiceToken Lambda.
 */
import type { ResourceProvider } from "../provider.js";
import type { CustomResourceBroker } from "../custom-resource-broker.js";
import { customResourceProvider } from "./custom-resource.js";
import { cdkMetadata } from "./AWS-CDK-Metadata.js";
import { waitConditionHandle } from "./AWS-CloudFormation-WaitConditionHandle.js";
import { ecrRepository } from "./AWS-ECR-Repository.js";
import { iamRole } from "./AWS-IAM-Role.js";
import { iamPolicy } from "./AWS-IAM-Policy.js";
import { iamManagedPolicy } from "./AWS-IAM-ManagedPolicy.js";
import { dynamodbTable } from "./AWS-DynamoDB-Table.js";
import { dynamodbGlobalTable } from "./AWS-DynamoDB-GlobalTable.js";
import { s3Bucket } from "./AWS-S3-Bucket.js";
import { s3BucketPolicy } from "./AWS-S3-BucketPolicy.js";
import { s3BucketNotifications } from "./Custom-S3BucketNotifications.js";
import { s3AutoDeleteObjects } from "./Custom-S3AutoDeleteObjects.js";
import { sqsQueue } from "./AWS-SQS-Queue.js";
import { sqsQueuePolicy } from "./AWS-SQS-QueuePolicy.js";
import { ssmParameter } from "./AWS-SSM-Parameter.js";
import { logGroup } from "./AWS-Logs-LogGroup.js";
import { logRetention } from "./Custom-LogRetention.js";
import { lambdaFunction } from "./AWS-Lambda-Function.js";
import { lambdaPermission } from "./AWS-Lambda-Permission.js";
import { lambdaEventSourceMapping } from "./AWS-Lambda-EventSourceMapping.js";
import { lambdaVersion } from "./AWS-Lambda-Version.js";
import { lambdaAlias } from "./AWS-Lambda-Alias.js";
import { lambdaUrl } from "./AWS-Lambda-Url.js";
import { lambdaEventInvokeConfig } from "./AWS-Lambda-EventInvokeConfig.js";
import { snsTopic } from "./AWS-SNS-Topic.js";
import { snsSubscription } from "./AWS-SNS-Subscription.js";
import { snsTopicPolicy } from "./AWS-SNS-TopicPolicy.js";
import { eventsEventBus } from "./AWS-Events-EventBus.js";
import { eventsRule } from "./AWS-Events-Rule.js";
import { apiGatewayV2Api } from "./AWS-ApiGatewayV2-Api.js";
import { apiGatewayV2Route } from "./AWS-ApiGatewayV2-Route.js";
import { apiGatewayV2Integration } from "./AWS-ApiGatewayV2-Integration.js";
import { apiGatewayV2Stage } from "./AWS-ApiGatewayV2-Stage.js";
import { apiGatewayV2Deployment } from "./AWS-ApiGatewayV2-Deployment.js";
import { apiGatewayV2Authorizer } from "./AWS-ApiGatewayV2-Authorizer.js";
import { cloudfrontDistribution } from "./AWS-CloudFront-Distribution.js";
import { cloudfrontFunction } from "./AWS-CloudFront-Function.js";
import {
  cloudfrontCachePolicy, cloudfrontOriginAccessControl, cloudfrontOriginAccessIdentity, cloudfrontOriginRequestPolicy, cloudfrontResponseHeadersPolicy,
} from "./AWS-CloudFront-policies.js";
import { apiGatewayV2DomainName } from "./AWS-ApiGatewayV2-DomainName.js";
import { apiGatewayV2ApiMapping } from "./AWS-ApiGatewayV2-ApiMapping.js";
import { apiGatewayV2RouteResponse } from "./AWS-ApiGatewayV2-RouteResponse.js";
import { ec2Providers } from "./AWS-EC2.js";
import { ecsProviders } from "./AWS-ECS.js";
import { elbv2Providers } from "./AWS-ElasticLoadBalancingV2.js";
import { applicationAutoScalingProviders } from "./AWS-ApplicationAutoScaling.js";
import { efsProviders } from "./AWS-EFS.js";
import { route53Providers } from "./AWS-Route53.js";
import { acmCertificate } from "./AWS-CertificateManager-Certificate.js";
import { kinesisStream } from "./AWS-Kinesis-Stream.js";
import { codeBuildProject } from "./AWS-CodeBuild-Project.js";
import { apiGatewayV1Providers } from "./AWS-ApiGateway.js";
import { appSyncProviders } from "./AWS-AppSync.js";
import { rdsProviders } from "./AWS-RDS.js";
import { kmsProviders } from "./AWS-KMS.js";
import { cognitoProviders } from "./AWS-Cognito.js";
import { lambdaLayerVersion, lambdaLayerVersionPermission } from "./AWS-Lambda-LayerVersion.js";
import { sourcemapUploader } from "./Custom-SourcemapUploader.js";
import { secretPrefetcher } from "./Custom-SecretPrefetcher.js";
import { sstScript } from "./Custom-SSTScript.js";
import { apiGatewayCloudWatchRole } from "./Custom-APIGatewayCloudWatchRole.js";
import { stepFunctionsActivity, stepFunctionsStateMachine, stepFunctionsStateMachineAlias, stepFunctionsStateMachineVersion } from "./AWS-StepFunctions.js";

export const NATIVE_PROVIDERS: Record<string, ResourceProvider> = {
  "AWS::CDK::Metadata": cdkMetadata,
  "AWS::CloudFormation::WaitConditionHandle": waitConditionHandle,
  "AWS::ECR::Repository": ecrRepository,
  "AWS::IAM::Role": iamRole,
  "AWS::IAM::Policy": iamPolicy,
  "AWS::IAM::ManagedPolicy": iamManagedPolicy,
  "AWS::DynamoDB::Table": dynamodbTable,
  "AWS::DynamoDB::GlobalTable": dynamodbGlobalTable,
  "AWS::S3::Bucket": s3Bucket,
  "AWS::S3::BucketPolicy": s3BucketPolicy,
  "Custom::S3BucketNotifications": s3BucketNotifications,
  "Custom::S3AutoDeleteObjects": s3AutoDeleteObjects,
  "AWS::SQS::Queue": sqsQueue,
  "AWS::SQS::QueuePolicy": sqsQueuePolicy,
  "AWS::SSM::Parameter": ssmParameter,
  "AWS::Logs::LogGroup": logGroup,
  "Custom::LogRetention": logRetention,
  "AWS::Lambda::Function": lambdaFunction,
  "AWS::Lambda::Permission": lambdaPermission,
  "AWS::Lambda::EventSourceMapping": lambdaEventSourceMapping,
  "AWS::Lambda::Version": lambdaVersion,
  "AWS::Lambda::Alias": lambdaAlias,
  "AWS::Lambda::Url": lambdaUrl,
  "AWS::Lambda::EventInvokeConfig": lambdaEventInvokeConfig,
  "AWS::SNS::Topic": snsTopic,
  "AWS::SNS::Subscription": snsSubscription,
  "AWS::SNS::TopicPolicy": snsTopicPolicy,
  "AWS::Events::EventBus": eventsEventBus,
  "AWS::Events::Rule": eventsRule,
  "AWS::ApiGatewayV2::Api": apiGatewayV2Api,
  "AWS::ApiGatewayV2::Route": apiGatewayV2Route,
  "AWS::ApiGatewayV2::Integration": apiGatewayV2Integration,
  "AWS::ApiGatewayV2::Stage": apiGatewayV2Stage,
  "AWS::ApiGatewayV2::Deployment": apiGatewayV2Deployment,
  "AWS::ApiGatewayV2::Authorizer": apiGatewayV2Authorizer,
  "AWS::CloudFront::Distribution": cloudfrontDistribution,
  "AWS::CloudFront::Function": cloudfrontFunction,
  "AWS::CloudFront::CachePolicy": cloudfrontCachePolicy,
  "AWS::CloudFront::OriginRequestPolicy": cloudfrontOriginRequestPolicy,
  "AWS::CloudFront::ResponseHeadersPolicy": cloudfrontResponseHeadersPolicy,
  "AWS::CloudFront::CloudFrontOriginAccessIdentity": cloudfrontOriginAccessIdentity,
  "AWS::CloudFront::OriginAccessControl": cloudfrontOriginAccessControl,
  "AWS::ApiGatewayV2::DomainName": apiGatewayV2DomainName,
  "AWS::ApiGatewayV2::ApiMapping": apiGatewayV2ApiMapping,
  "AWS::ApiGatewayV2::RouteResponse": apiGatewayV2RouteResponse,
  "AWS::Lambda::LayerVersion": lambdaLayerVersion,
  "AWS::Lambda::LayerVersionPermission": lambdaLayerVersionPermission,
  "Custom::SourcemapUploader": sourcemapUploader,
  "Custom::SecretPrefetcher": secretPrefetcher,
  "Custom::SSTScript": sstScript,
  "Custom::APIGatewayCloudWatchRole": apiGatewayCloudWatchRole,
  "AWS::StepFunctions::StateMachine": stepFunctionsStateMachine,
  "AWS::StepFunctions::Activity": stepFunctionsActivity,
  "AWS::StepFunctions::StateMachineVersion": stepFunctionsStateMachineVersion,
  "AWS::StepFunctions::StateMachineAlias": stepFunctionsStateMachineAlias,
  // Recorded, not served (see recorded.ts).
  ...ec2Providers,
  ...ecsProviders,
  ...elbv2Providers,
  ...applicationAutoScalingProviders,
  ...efsProviders,
  ...route53Providers,
  ...kmsProviders,
  ...cognitoProviders,
  "AWS::CertificateManager::Certificate": acmCertificate,
  "AWS::Kinesis::Stream": kinesisStream,
  "AWS::CodeBuild::Project": codeBuildProject,
  ...apiGatewayV1Providers,
  ...appSyncProviders,
  ...rdsProviders,
};

/**
 * The lookup the engine uses: native providers first (plus `extra`, for providers that
 * need the engine itself, like nested stacks), then Lambda-backed custom resources.
 */
export function providerLookup(broker: CustomResourceBroker, extra: Record<string, ResourceProvider> = {}): (type: string) => ResourceProvider | undefined {
  const custom = customResourceProvider(broker);
  return (type) => NATIVE_PROVIDERS[type] ?? extra[type] ?? (type.startsWith("Custom::") || type === "AWS::CloudFormation::CustomResource" ? custom : undefined);
}
