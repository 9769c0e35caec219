/**
 * The local cloud's host names, reachable from function code as they are from a browser.
 *
 * The local cloud answers on `*.localhost` names (`{id}.cloudfront.localhost`,
 * `{id}.execute-api.localhost`, API custom domains), which a browser takes to loopback
 * but the system resolver here does not; and it speaks plain HTTP, while code written for
 * AWS calls those URLs with `https://` (OpenNext's revalidation function re-renders an ISR
 * page with `https.request("https://{distribution's host}{path}")`). So, in an execution
 * environment of a local cloud on loopback:
 *
 *   - a `*.localhost` name resolves to the cloud's address (dns.lookup, which `http`,
 *     `https`, `net` and `fetch` all use), and so does `sync-<endpoint's host>`: the SDK
 *     prepends `sync-` to the endpoint's host for Step Functions' StartSyncExecution and
 *     TestState (`sync-127.0.0.1`), a name no resolver knows;
 *   - `https.request` / `https.get` to a `*.localhost` name go out as plain HTTP, to the
 *     port the URL names, else to the cloud's port.
 *
 * Any other name resolves and connects as before.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";

const LOCAL_NAME = /(^|\.)localhost\.?$/i;

/** Installs the hooks when the function's endpoint (AWS_ENDPOINT_URL) is a local cloud on loopback. */
export function installLocalNames(endpoint = process.env.AWS_ENDPOINT_URL) {
  const cloud = loopbackCloud(endpoint);
  if (!cloud) return false;
  resolveLocalNames(cloud.address, `sync-${cloud.host}`);
  plainHttpsToLocalNames(cloud.port);
  // Code that imports the functions by name (`import { lookup } from "node:dns"`) gets these too.
  syncBuiltinESMExports();
  return true;
}

/** `{ address, port }` of an `http://` endpoint on a loopback address, else undefined. */
export function loopbackCloud(endpoint) {
  let url;
  try {
    url = new URL(endpoint ?? "");
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:") return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const address = host === "localhost" ? "127.0.0.1" : host;
  if (!/^127\.\d+\.\d+\.\d+$/.test(address) && address !== "::1") return undefined;
  return { address, host, port: Number(url.port || 80) };
}

function resolveLocalNames(address, syncName) {
  const family = address.includes(":") ? 6 : 4;
  const isLocal = (hostname) => typeof hostname === "string" && (LOCAL_NAME.test(hostname) || hostname.toLowerCase() === syncName);
  const lookup = dns.lookup;
  dns.lookup = function lookupWithLocalNames(hostname, options, callback) {
    if (typeof options === "function") [callback, options] = [options, {}];
    if (!isLocal(hostname)) return lookup.call(this, hostname, options, callback);
    const all = typeof options === "object" && options?.all === true;
    process.nextTick(() => (all ? callback(null, [{ address, family }]) : callback(null, address, family)));
    return {};
  };
  const promised = dns.promises.lookup;
  dns.promises.lookup = async function lookupWithLocalNames(hostname, options) {
    if (!isLocal(hostname)) return promised.call(this, hostname, options);
    const record = { address, family };
    return typeof options === "object" && options?.all === true ? [record] : record;
  };
}

function plainHttpsToLocalNames(cloudPort) {
  for (const name of ["request", "get"]) {
    const secure = https[name];
    const plain = http[name];
    https[name] = function requestToLocalNames(...args) {
      const target = localTarget(args[0], args[1]);
      if (!target) return secure.apply(this, args);
      return plain.apply(this, asPlainHttp(args, target.port ?? cloudPort));
    };
  }
}

/** The `*.localhost` target of an https call's first arguments (url and/or options), else undefined. */
function localTarget(first, second) {
  const options = first instanceof URL || typeof first === "string" ? (typeof second === "object" && second ? second : {}) : (first ?? {});
  if (typeof first === "string" || first instanceof URL) {
    let url;
    try {
      url = new URL(first);
    } catch {
      return undefined;
    }
    const hostname = options.hostname ?? options.host ?? url.hostname;
    if (!LOCAL_NAME.test(String(hostname).replace(/:\d+$/, ""))) return undefined;
    return { port: namedPort(options.port ?? url.port) };
  }
  const hostname = options.hostname ?? String(options.host ?? "").replace(/:\d+$/, "");
  if (!hostname || !LOCAL_NAME.test(hostname)) return undefined;
  return { port: namedPort(options.port) };
}

/**
 * The port a call names, if it names one: 443 is https's own default (aws-sdk v2 always
 * sets it), not a port of the local cloud, so it means "the cloud's port" too.
 */
function namedPort(port) {
  const n = Number(port);
  return port === undefined || port === null || port === "" || n === 443 || !Number.isInteger(n) ? undefined : n;
}

/** The same call for `http`: an http: URL, the port set, and no TLS agent. */
function asPlainHttp(args, port) {
  const out = [...args];
  if (typeof out[0] === "string" || out[0] instanceof URL) {
    const url = new URL(out[0]);
    url.protocol = "http:";
    url.port = String(port);
    out[0] = url;
    if (typeof out[1] === "object" && out[1] && !(typeof out[1] === "function")) out[1] = withoutTls(out[1], port);
  } else {
    out[0] = withoutTls(out[0] ?? {}, port);
  }
  return out;
}

function withoutTls(options, port) {
  const { agent, protocol: _protocol, ...rest } = options;
  // An https.Agent cannot carry plain HTTP; a caller's own http.Agent can.
  return { ...rest, port, protocol: "http:", ...(agent instanceof https.Agent || agent === undefined ? {} : { agent }) };
}
