// The Lambda handler SST puts around a Remix server build (RemixSite, regional).
// RemixSite writes it to the site's build/server.js after one import line that names
// the build: `import * as remixServerBuild from "./server/index.js";`. It serves
// Lambda function URL events (payload 2.0) behind CloudFront: the viewer's host
// arrives in x-forwarded-host (CloudFront gives the origin its own host).
import { createRequestHandler } from "@remix-run/node";

// Bodies sent as text; anything else goes base64-encoded.
const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|ld\+json)|image\/svg\+xml)|\+(json|xml)(;|$)/;

function toRequest(event) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value != null) headers.append(name, value);
  // Function URLs pass cookies apart from the headers.
  if (event.cookies?.length) headers.set("cookie", event.cookies.join("; "));
  const host = event.headers?.["x-forwarded-host"] ?? event.headers?.host;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
  const url = new URL(`${event.rawPath}${query}`, `https://${host}`);
  const method = event.requestContext.http.method;
  const hasBody = method !== "GET" && method !== "HEAD" && event.body;
  const body = hasBody ? Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8") : undefined;
  return new Request(url.href, { method, headers, body });
}

function setCookies(headers) {
  if (typeof headers.getSetCookie === "function") return headers.getSetCookie();
  return headers.raw?.()["set-cookie"] ?? [];
}

async function toResult(response) {
  const headers = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.length === 0 || TEXT_TYPES.test(response.headers.get("content-type") ?? "text/plain");
  return {
    statusCode: response.status,
    headers,
    cookies: setCookies(response.headers),
    body: text ? bytes.toString("utf8") : bytes.toString("base64"),
    isBase64Encoded: !text,
  };
}

const handleRequest = createRequestHandler(remixServerBuild, process.env.NODE_ENV);

export const handler = async (event) => toResult(await handleRequest(toRequest(event)));
