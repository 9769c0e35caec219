/**
 * What every execute-api request goes through, whichever kind of API serves it (HTTP
 * APIs in data-plane.ts, REST APIs in rest/data-plane.ts): the request's clock and id,
 * a failure of the plane answered as API Gateway's 500 instead of crashing the server,
 * and the "apigateway:request" event. A plane supplies its own serving, its own id
 * format and 500 body, and what it adds to the answer (access log, headers).
 *
 * A base class rather than a helper taking callbacks: the hot path allocates no
 * closure per request.
 */
import type { EventEmitter } from "node:events";
import type { AwsRequest, AwsResponse } from "../../types.js";
import type { GatewayResponse } from "../../lambda-proxy/response-map.js";

/** What serving one request leaves behind; planes add their own fields (stage, integration timings). */
export interface ServedRequest {
  response: GatewayResponse;
  routeKey?: string;
}

export abstract class ExecuteApiPlane<S extends ServedRequest> {
  protected abstract readonly events: EventEmitter | undefined;

  /** Serves `path` (what follows /_aws/execute-api/{apiId}; "" is "/") of `apiId`. */
  async handle(req: AwsRequest, apiId: string, rawPath: string): Promise<AwsResponse> {
    const started = Date.now();
    const requestId = this.newRequestId();
    const path = rawPath || "/";
    let served: S;
    try {
      served = await this.serve(req, apiId, path, requestId, started);
    } catch (err) {
      // bad input must never take the server down; anything unexpected is API Gateway's 500
      console.error(`[local-cloud] execute-api ${apiId} failed`, err);
      served = this.failed();
    }
    const durationMs = Date.now() - started;
    const events = this.events;
    if (events && events.listenerCount("apigateway:request") > 0) {
      events.emit("apigateway:request", { apiId, method: req.method, path, routeKey: served.routeKey, status: served.response.status, durationMs, requestId });
    }
    return this.answer(req, apiId, path, requestId, started, durationMs, served);
  }

  protected abstract newRequestId(): string;
  protected abstract serve(req: AwsRequest, apiId: string, path: string, requestId: string, started: number): Promise<S>;
  /** What a request that threw is served as (API Gateway's 500). */
  protected abstract failed(): S;
  /** The wire answer, once the request is reported: access log, the plane's own headers. */
  protected abstract answer(req: AwsRequest, apiId: string, path: string, requestId: string, started: number, durationMs: number, served: S): AwsResponse;
}
