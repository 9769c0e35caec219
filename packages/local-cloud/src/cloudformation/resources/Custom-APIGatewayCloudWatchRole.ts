/**
 * Custom::APIGatewayCloudWatchRole (SST's WebSocketApi): on AWS it sets the account's
 * API Gateway CloudWatch role; the local cloud writes access logs without one, so it
 * is recorded.
 */
import { recordedProvider } from "./recorded.js";

export const apiGatewayCloudWatchRole = recordedProvider({ id: (p) => String(p.roleArn ?? "apigateway-cloudwatch-logs-role") });
