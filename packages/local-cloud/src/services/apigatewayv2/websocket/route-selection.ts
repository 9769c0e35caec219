/**
 * Route selection of WebSocket APIs: the API's RouteSelectionExpression (e.g.
 * `$request.body.action`) is evaluated against each incoming message. A message that is
 * not JSON, or whose selected value is missing or matches no route, goes to `$default`.
 */

/** The route key a message selects, or undefined when the expression yields nothing. */
export function selectedKey(expression: string | undefined, data: Buffer, binary: boolean): string | undefined {
  if (!expression || binary) return undefined;
  const path = /^\$request\.body\.(.+)$/.exec(expression.trim())?.[1];
  if (!path) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data.toString("utf8"));
  } catch {
    return undefined;
  }
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** The route a message goes to: the selected key's when there is one, else `$default`'s. */
export function routeForMessage<R extends { RouteKey: string }>(routes: readonly R[], expression: string | undefined, data: Buffer, binary: boolean): R | undefined {
  const key = selectedKey(expression, data, binary);
  if (key !== undefined && !key.startsWith("$")) {
    const route = routes.find((r) => r.RouteKey === key);
    if (route) return route;
  }
  return routes.find((r) => r.RouteKey === "$default");
}
