/**
 * A CloudFormation template: parsing (JSON or YAML with the short-form `!Ref` tags)
 * and the structural checks CloudFormation makes before anything is evaluated.
 */
import { createRequire } from "node:module";
import { AwsError } from "../server/aws-error.js";
import { jsonNestsDeeperThan } from "../limits/json-depth.js";

export interface ResourceDefinition {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
}

export interface ParameterDefinition {
  Type: string;
  Default?: unknown;
  NoEcho?: boolean | string;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number | string;
  MaxLength?: number | string;
  MinValue?: number | string;
  MaxValue?: number | string;
  Description?: string;
  ConstraintDescription?: string;
}

export interface OutputDefinition {
  Value: unknown;
  Description?: string;
  Condition?: string;
  Export?: { Name: unknown };
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, ParameterDefinition>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Rules?: Record<string, { RuleCondition?: unknown; Assertions?: Array<{ Assert: unknown; AssertDescription?: string }> }>;
  Resources: Record<string, ResourceDefinition>;
  Outputs?: Record<string, OutputDefinition>;
  Transform?: unknown;
}

/** ValidationError is what CloudFormation answers for every template problem. */
export function validationError(message: string): AwsError {
  return new AwsError("ValidationError", message, 400);
}

const TOP_LEVEL = new Set([
  "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Mappings",
  "Conditions", "Rules", "Resources", "Outputs", "Transform",
]);

/**
 * How deep a template may nest. CloudFormation documents no figure; CDK templates stay
 * under 20 levels. The engine walks templates recursively (intrinsics, references), so
 * the depth is checked before anything else.
 */
export const MAX_TEMPLATE_DEPTH = 100;
/** YAML aliases may expand a document to this many nodes plus one per character of its text. */
const YAML_NODE_ALLOWANCE = 100_000;

/** Parse and structurally validate a template body. */
export function parseTemplate(body: string): Template {
  if (typeof body !== "string" || body.trim() === "") throw validationError("Template body is empty");
  let doc: unknown;
  const trimmed = body.trimStart();
  if (trimmed.startsWith("{")) {
    if (jsonNestsDeeperThan(body, MAX_TEMPLATE_DEPTH)) {
      throw validationError(`Template format error: JSON not well-formed. (nested more than ${MAX_TEMPLATE_DEPTH} levels deep)`);
    }
    try {
      doc = JSON.parse(body);
    } catch (e) {
      throw validationError(`Template format error: JSON not well-formed. (${(e as Error).message})`);
    }
  } else {
    doc = parseYaml(body);
  }
  return checkTemplate(doc);
}

export function checkTemplate(doc: unknown): Template {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw validationError("Template format error: not a JSON or YAML object");
  const t = doc as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!TOP_LEVEL.has(key)) throw validationError(`Invalid template property or properties [${key}]`);
  }
  if (t.Transform !== undefined) {
    throw validationError("Template format error: Transform is not supported by the local cloud");
  }
  const resources = t.Resources;
  if (!resources || typeof resources !== "object" || Array.isArray(resources) || Object.keys(resources).length === 0) {
    throw validationError("Template format error: At least one Resources member must be defined.");
  }
  for (const [id, def] of Object.entries(resources as Record<string, any>)) {
    if (!/^[A-Za-z0-9]+$/.test(id)) throw validationError(`Template format error: Resource name ${id} is non alphanumeric.`);
    if (!def || typeof def !== "object" || typeof def.Type !== "string") {
      throw validationError(`Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`);
    }
    if (def.Properties !== undefined && (typeof def.Properties !== "object" || Array.isArray(def.Properties) || def.Properties === null)) {
      throw validationError(`Template format error: [/Resources/${id}/Properties] Properties must be an object.`);
    }
  }
  for (const [id, p] of Object.entries((t.Parameters ?? {}) as Record<string, any>)) {
    if (!p || typeof p.Type !== "string") throw validationError(`Template format error: Every Parameters object must contain a Type member. (${id})`);
  }
  for (const [id, o] of Object.entries((t.Outputs ?? {}) as Record<string, any>)) {
    if (!o || typeof o !== "object" || !("Value" in o)) throw validationError(`Template format error: Every Outputs member must contain a Value object (${id})`);
  }
  return t as unknown as Template;
}

/** YAML through the `yaml` package that aws-cdk-lib ships, with CloudFormation's short tags. */
function parseYaml(body: string): unknown {
  let YAML: any;
  try {
    const require = createRequire(import.meta.url);
    const cdkPath = require.resolve("aws-cdk-lib");
    YAML = createRequire(cdkPath)("yaml");
  } catch {
    throw validationError("Template format error: YAML templates need the 'yaml' package");
  }
  const names: Record<string, string> = {
    Ref: "Ref", Condition: "Condition", GetAtt: "Fn::GetAtt", Sub: "Fn::Sub", Join: "Fn::Join", Select: "Fn::Select",
    Split: "Fn::Split", If: "Fn::If", Equals: "Fn::Equals", And: "Fn::And", Or: "Fn::Or", Not: "Fn::Not",
    FindInMap: "Fn::FindInMap", ImportValue: "Fn::ImportValue", Base64: "Fn::Base64", GetAZs: "Fn::GetAZs",
    Cidr: "Fn::Cidr", Length: "Fn::Length", ToJsonString: "Fn::ToJsonString",
  };
  // Walk the document's nodes ourselves: unknown tags stay on the nodes, which is
  // simpler than custom tag resolvers and works for scalars, sequences and maps alike.
  // Every node produced counts against a budget, and every level against the depth
  // limit: an alias is expanded where it is used, so nine levels of `&a [*a, *a, …]`
  // (346 bytes) would otherwise produce billions of nodes, and `&a [*a]` never ends.
  let budget = YAML_NODE_ALLOWANCE + body.length;
  const convert = (node: any, depth: number): unknown => {
    if (--budget < 0) throw validationError("Template format error: YAML not well-formed. (its aliases expand to too many nodes)");
    if (depth > MAX_TEMPLATE_DEPTH) throw validationError(`Template format error: YAML not well-formed. (nested more than ${MAX_TEMPLATE_DEPTH} levels deep)`);
    if (node === null || node === undefined) return null;
    if (node.type === "ALIAS") return convert(node.source, depth);
    let value: unknown;
    if (Array.isArray(node.items) && String(node.type).includes("MAP")) {
      const obj: Record<string, unknown> = {};
      for (const pair of node.items) obj[String(convert(pair.key, depth + 1))] = convert(pair.value, depth + 1);
      value = obj;
    } else if (Array.isArray(node.items)) value = node.items.map((item: unknown) => convert(item, depth + 1));
    else value = node.value;
    const tag: string | undefined = node.tag;
    if (tag?.startsWith("!") && names[tag.slice(1)]) {
      const fnName = names[tag.slice(1)];
      if (fnName === "Fn::GetAtt" && typeof value === "string") {
        const dot = value.indexOf(".");
        return { [fnName]: [value.slice(0, dot), value.slice(dot + 1)] };
      }
      return { [fnName]: value };
    }
    return value;
  };
  // Flow collections nest by brackets; the parser recurses over them.
  if (jsonNestsDeeperThan(body, MAX_TEMPLATE_DEPTH)) {
    throw validationError(`Template format error: YAML not well-formed. (nested more than ${MAX_TEMPLATE_DEPTH} levels deep)`);
  }
  let doc: any;
  try {
    doc = YAML.parseDocument(body);
  } catch (err) {
    if (err instanceof RangeError) throw validationError("Template format error: YAML not well-formed. (nested too deeply)");
    throw err;
  }
  if (doc.errors?.length) throw validationError(`Template format error: YAML not well-formed. (${doc.errors[0].message})`);
  return convert(doc.contents, 0);
}
