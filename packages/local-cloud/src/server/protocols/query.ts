/**
 * The awsQuery protocol (STS, IAM, CloudFormation, legacy SQS): form-encoded
 * parameters with `Action`, XML answers wrapped in `<ActionResponse>`.
 */
import { AwsError } from "../aws-error.js";
import { escapeXml } from "../xml.js";
import type { AwsRequest, AwsResponse } from "../../types.js";

export function parseQueryRequest(req: AwsRequest): { action: string; version?: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  for (const [k, v] of req.query) params[k] = v;
  const type = req.headers["content-type"] ?? "";
  if (req.body.length > 0 && (type === "" || type.startsWith("application/x-www-form-urlencoded"))) {
    for (const [k, v] of new URLSearchParams(req.body.toString("utf8"))) params[k] = v;
  }
  const action = params.Action;
  if (!action) throw new AwsError("MissingAction", "Missing Action", 400);
  const version = params.Version;
  delete params.Action;
  delete params.Version;
  return { action, version, params };
}

type Tree = { value?: string; children: Map<string, Tree> };

const MAX_PARAMETER_NESTING = 32;

function buildTree(params: Record<string, string>, prefix: string): Tree | undefined {
  const root: Tree = { children: new Map() };
  let found = false;
  for (const [key, value] of Object.entries(params)) {
    if (key !== prefix && !key.startsWith(prefix + ".")) continue;
    found = true;
    const parts = key === prefix ? [] : key.slice(prefix.length + 1).split(".");
    // fromTree recurses once per level; no API shape nests anywhere near this deep.
    if (parts.length > MAX_PARAMETER_NESTING) throw new AwsError("ValidationError", `The parameter ${key.slice(0, 100)}… is nested more than ${MAX_PARAMETER_NESTING} levels deep`, 400);
    let node = root;
    for (const part of parts) {
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = { children: new Map() }));
      node = next;
    }
    node.value = value;
  }
  return found ? root : undefined;
}

const isIndex = (k: string) => /^\d+$/.test(k);

function fromTree(node: Tree): unknown {
  if (node.children.size === 0) return node.value ?? "";
  const keys = [...node.children.keys()];
  // "X.member.N…" and flattened "X.N…" lists.
  if (keys.length === 1 && (keys[0] === "member" || keys[0] === "entry")) {
    const inner = node.children.get(keys[0]!)!;
    const list = fromTree(inner);
    if (keys[0] === "entry" && Array.isArray(list)) {
      // Maps: X.entry.N.key / X.entry.N.value
      const map: Record<string, unknown> = {};
      for (const e of list as Record<string, unknown>[]) map[String(e.key ?? e.Key)] = e.value ?? e.Value;
      return map;
    }
    return list;
  }
  if (keys.every(isIndex)) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => fromTree(node.children.get(k)!));
  }
  const obj: Record<string, unknown> = {};
  for (const k of keys) obj[k] = fromTree(node.children.get(k)!);
  return obj;
}

/**
 * Unflatten the parameters under `prefix` ("Tags.member.1.Key", "Attribute.2.Name",
 * "Attributes.entry.1.key") into objects, arrays and maps. Undefined when absent.
 */
export function queryParam<T = any>(params: Record<string, string>, prefix: string): T {
  const tree = buildTree(params, prefix);
  return (tree ? fromTree(tree) : undefined) as T;
}

export function queryResponse(action: string, resultXml: string, requestId: string, xmlns: string): AwsResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}">` +
    `<${action}Result>${resultXml}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { "content-type": "text/xml" }, body };
}

export function queryErrorResponse(err: AwsError, requestId: string, xmlns?: string): AwsResponse {
  const ns = xmlns ? ` xmlns="${xmlns}"` : "";
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns}><Error><Type>${err.fault}</Type>` +
    `<Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: err.status, headers: { "content-type": "text/xml" }, body };
}
