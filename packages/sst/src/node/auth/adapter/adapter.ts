/**
 * An adapter handles one provider's steps (`authorize`, `callback`) for the request
 * being handled and answers with the HTTP response, as in SST v2.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export type Adapter = () => Promise<APIGatewayProxyStructuredResultV2>;

/** Identity: declares an adapter factory with its config type. */
export function createAdapter<A extends (config: any) => Adapter>(adapter: A): A {
  return adapter;
}
