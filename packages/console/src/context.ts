/**
 * What the Console reads: the slice of a LocalCloud it needs (services driven in-process
 * as the admin, the observability emitter) and what the dev process knows that the cloud
 * does not (app, stage, SSM prefix, handler paths).
 */
import type { EventEmitter } from "node:events";
import type { AwsRequest } from "local-cloud";

/** A request to the Console, as its own listener reads it (listener.ts). */
export type ConsoleRequest = Pick<AwsRequest, "method" | "path" | "query" | "headers" | "body">;

/** A service's in-process API: AWS SDK v3 shapes in and out; throws AwsError. */
export interface Callable {
  call(operation: string, input: any): Promise<any>;
}

export interface ConsoleCloud {
  readonly endpoint: string;
  readonly region: string;
  readonly events: EventEmitter;
  readonly cloudformation: Callable;
  readonly apigateway?: Callable;
  readonly lambda: Callable;
  readonly dynamodb: Callable;
  readonly s3: Callable;
  readonly sqs: Callable;
  readonly ssm: Callable;
  /** The RDS Data API, when the cloud serves it. */
  readonly rdsdata?: Callable;
}

export interface ConsoleOptions {
  app: string;
  stage: string;
  /** `/sst/{app}/{stage}/`: Config secrets live under `{ssmPrefix}Secret/`. */
  ssmPrefix: string;
  /** The handler path ("packages/functions/src/x.handler") of an SST_FUNCTION_ID, when known. */
  handlerOf?: (functionId: string) => string | undefined;
  /** How many invocations the live log keeps for a page load. @default 300 */
  historySize?: number;
  /** The port of the Console's own listener on 127.0.0.1. @default 0 (a free port) */
  port?: number;
}

export interface ConsoleContext extends ConsoleOptions {
  cloud: ConsoleCloud;
}
