/**
 * Which service takes a request that carries no signature. Built once, as services are
 * registered, from what each declares it takes unsigned (Service.unsigned): routing an
 * unsigned request is then one map lookup — by its X-Amz-Target, or by its method and its
 * path's last segment — instead of asking every service in turn.
 *
 * A request no service claims is not routed here: the server answers an unsigned
 * X-Amz-Target with the JSON protocols' missing-authentication error, and hands anything
 * else to S3 (public objects, browsers' requests).
 */
import type { UnsignedRequests } from "../types.js";

interface PathRoute {
  readonly pattern: RegExp;
  readonly service: string;
}

export class UnsignedRoutes {
  private readonly byTarget = new Map<string, string>();
  /** Method → last path segment → the routes that end so (one, in practice). */
  private readonly byPathEnd = new Map<string, Map<string, PathRoute[]>>();

  /** Adds what `service` (a signing name) takes unsigned. Two services cannot claim one target. */
  add(service: string, unsigned: UnsignedRequests | undefined): void {
    for (const target of unsigned?.targets ?? []) {
      const owner = this.byTarget.get(target);
      if (owner !== undefined && owner !== service) throw new Error(`${service}: the unsigned X-Amz-Target ${target} is already ${owner}'s`);
      this.byTarget.set(target, service);
    }
    for (const path of unsigned?.paths ?? []) {
      let bySegment = this.byPathEnd.get(path.method);
      if (!bySegment) this.byPathEnd.set(path.method, (bySegment = new Map()));
      const routes = bySegment.get(path.lastSegment) ?? [];
      routes.push({ pattern: path.pattern, service });
      bySegment.set(path.lastSegment, routes);
    }
  }

  /** The signing name of the service that takes this unsigned request, if any. */
  serviceFor(method: string, path: string, target: string | undefined): string | undefined {
    // A JSON call is claimed by its operation alone, never by its path.
    if (target !== undefined) return this.byTarget.get(target);
    const routes = this.byPathEnd.get(method)?.get(path.slice(path.lastIndexOf("/") + 1));
    if (routes === undefined) return undefined;
    for (const route of routes) if (route.pattern.test(path)) return route.service;
    return undefined;
  }
}

