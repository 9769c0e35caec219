/**
 * A CodeBuild buildspec (version 0.2, YAML or JSON) as the local runner uses it: the
 * commands of each phase, in CodeBuild's phase order, and the variables `env` declares.
 * Anything the runner cannot honour is refused by name rather than skipped.
 */
import { createRequire } from "node:module";
import { AwsError } from "../../server/aws-error.js";

export const PHASES = ["install", "pre_build", "build", "post_build"] as const;
export type PhaseName = (typeof PHASES)[number];

export interface BuildSpec {
  phases: Partial<Record<PhaseName, string[]>>;
  /** `env.variables`: plain values. */
  variables: Record<string, string>;
  /** `env.parameter-store`: variable name → SSM parameter name. */
  parameterStore: Record<string, string>;
}

const KNOWN_ENV_KEYS = new Set(["variables", "parameter-store", "shell"]);

function invalid(message: string): AwsError {
  return new AwsError("InvalidInputException", message, 400);
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(`Invalid buildspec: ${where} must be a map`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** Parses buildspec text. Errors read as the build's failure reason. */
export function parseBuildSpec(text: string): BuildSpec {
  let doc: any;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw invalid(`Invalid buildspec: YAML_FILE_ERROR: ${(err as Error).message.split("\n")[0]}`);
  }
  if (!doc || typeof doc !== "object") throw invalid("Invalid buildspec: YAML_FILE_ERROR: the buildspec is empty");
  if (String(doc.version) !== "0.2" && String(doc.version) !== "0.1") {
    throw invalid(`Invalid buildspec: YAML_FILE_ERROR: invalid buildspec version "${doc.version ?? ""}", expected 0.2`);
  }
  const env = doc.env ?? {};
  for (const key of Object.keys(env)) {
    if (!KNOWN_ENV_KEYS.has(key)) throw invalid(`Invalid buildspec: env.${key} is not supported by the local cloud (only variables and parameter-store)`);
  }
  const phases: BuildSpec["phases"] = {};
  for (const name of PHASES) {
    const phase = doc.phases?.[name];
    if (phase === undefined || phase === null) continue;
    const commands = phase.commands ?? [];
    if (!Array.isArray(commands)) throw invalid(`Invalid buildspec: phases.${name}.commands must be a list`);
    phases[name] = commands.map((c: unknown) => String(c));
  }
  return {
    phases,
    variables: stringMap(env.variables, "env.variables"),
    parameterStore: stringMap(env["parameter-store"], "env.parameter-store"),
  };
}

/** yaml, loaded on the first buildspec: only a site's build needs it, not every local cloud start. */
function parseYaml(text: string): unknown {
  const { parse } = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return parse(text);
}
