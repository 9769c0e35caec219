// The Lambda@Edge handler SST puts around a Remix server build (RemixSite with
// `edge: true`). RemixSite writes it to the site's build/server.js after one import
// line that names the build. It runs on CloudFront's origin requests and answers them
// itself: the CloudFront request in, Remix's Fetch handler, a CloudFront response out.
import { createRequestHandler } from "@remix-run/node";

// Bodies sent as text; anything else goes base64-encoded.
const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|ld\+json)|image\/svg\+xml)|\+(json|xml)(;|$)/;

function toRequest(cf) {
  const headers = new Headers();
  for (const list of Object.values(cf.headers ?? {})) for (const { key, value } of list) headers.append(key, value);
  // CloudFront's function put the viewer's host in x-forwarded-host.
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  const url = new URL(`${cf.uri}${cf.querystring ? `?${cf.querystring}` : ""}`, `https://${host}`);
  const hasBody = cf.method !== "GET" && cf.method !== "HEAD" && cf.body?.data;
  const body = hasBody ? Buffer.from(cf.body.data, cf.body.encoding === "base64" ? "base64" : "utf8") : undefined;
  return new Request(url.href, { method: cf.method, headers, body });
}

function setCookies(headers) {
  if (typeof headers.getSetCookie === "function") return headers.getSetCookie();
  return headers.raw?.()["set-cookie"] ?? [];
}

async function toCloudFrontResponse(response) {
  const headers = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = [{ key: name, value }];
  });
  const cookies = setCookies(response.headers);
  if (cookies.length) headers["set-cookie"] = cookies.map((value) => ({ key: "set-cookie", value }));
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.length === 0 || TEXT_TYPES.test(response.headers.get("content-type") ?? "text/plain");
  return {
    status: String(response.status),
    statusDescription: response.statusText || undefined,
    headers,
    body: text ? bytes.toString("utf8") : bytes.toString("base64"),
    bodyEncoding: text ? "text" : "base64",
  };
}

const handleRequest = createRequestHandler(remixServerBuild, process.env.NODE_ENV);

export const handler = async (event) => toCloudFrontResponse(await handleRequest(toRequest(event.Records[0].cf.request)));
