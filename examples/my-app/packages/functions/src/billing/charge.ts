import { APIGatewayProxyHandlerV2 } from "aws-lambda";
import { Config } from "sst/node/config";

export const handler: APIGatewayProxyHandlerV2 = async () => {
  const key = Config.STRIPE_KEY;
  return {
    statusCode: 200,
    body: JSON.stringify({ stripeKeyLast4: key.slice(-4), stage: Config.STAGE }),
  };
};
