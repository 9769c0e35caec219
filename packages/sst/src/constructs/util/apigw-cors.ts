/**
 * CORS of API Gateway HTTP APIs as SST v2 sets it: on unless `false`, allowing every
 * origin, header and method (without credentials) unless narrowed.
 */
import * as apig from "aws-cdk-lib/aws-apigatewayv2";
import { toCdkDuration, type SSTDuration } from "./duration.js";

export interface ApiCorsProps {
  /** @default false */
  allowCredentials?: boolean;
  /** @default ["*"] */
  allowHeaders?: string[];
  /** @default ["ANY"] */
  allowMethods?: (keyof typeof apig.CorsHttpMethod)[];
  /** @default ["*"] */
  allowOrigins?: string[];
  exposeHeaders?: string[];
  maxAge?: SSTDuration;
}

export function corsPreflight(cors?: boolean | ApiCorsProps): apig.CorsPreflightOptions | undefined {
  if (cors === false) return undefined;
  const c: ApiCorsProps = cors === undefined || cors === true ? {} : cors;
  return {
    allowCredentials: c.allowCredentials ?? false,
    allowHeaders: c.allowHeaders ?? ["*"],
    allowMethods: (c.allowMethods ?? ["ANY"]).map((m) => {
      const method = apig.CorsHttpMethod[m as keyof typeof apig.CorsHttpMethod];
      if (!method) throw new Error(`Invalid CORS method "${m}": use one of ${Object.keys(apig.CorsHttpMethod).join(", ")}`);
      return method;
    }),
    allowOrigins: c.allowOrigins ?? ["*"],
    exposeHeaders: c.exposeHeaders,
    maxAge: c.maxAge !== undefined ? toCdkDuration(c.maxAge) : undefined,
  };
}
