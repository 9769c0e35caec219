/**
 * A state machine definition as CreateStateMachine checks it: JSON, the fields each state
 * type allows, transitions that land on states, reachable states, Retry/Catch shapes,
 * choice rules, nested Parallel branches and Map processors. Problems are reported the
 * way Step Functions words InvalidDefinition: `CODE: message at /json/pointer`, joined.
 */
import { CHOICE_OPERATORS } from "./choice.js";
import { isIntrinsic, parseIntrinsic } from "./intrinsics.js";
import { parsePath } from "./json-path.js";
import { compile, expressionsIn } from "./jsonata.js";

export type StateDef = Record<string, any>;
export interface Machine {
  StartAt: string;
  States: Record<string, StateDef>;
  TimeoutSeconds?: number;
  Comment?: string;
  QueryLanguage?: "JSONPath" | "JSONata";
}

const COMMON = ["Type", "Comment"];
const FLOW = ["Next", "End"];
const IO = ["InputPath", "OutputPath"];
const FIELDS: Record<string, string[]> = {
  Pass: [...COMMON, ...FLOW, ...IO, "Parameters", "Result", "ResultPath"],
  Task: [...COMMON, ...FLOW, ...IO, "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials"],
  Choice: [...COMMON, ...IO, "Choices", "Default"],
  Wait: [...COMMON, ...FLOW, ...IO, "Seconds", "Timestamp", "SecondsPath", "TimestampPath"],
  Succeed: [...COMMON, ...IO],
  Fail: [...COMMON, "Error", "Cause", "ErrorPath", "CausePath"],
  Parallel: [...COMMON, ...FLOW, ...IO, "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Branches"],
  Map: [...COMMON, ...FLOW, ...IO, "Parameters", "ItemSelector", "ResultSelector", "ResultPath", "Retry", "Catch", "ItemsPath", "MaxConcurrency", "MaxConcurrencyPath", "Iterator", "ItemProcessor", "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath", "Label"],
};
/** The fields of each state type in a JSONata state: Arguments/Output/Assign in place of the paths and templates. */
const JSONATA_OUT = ["Output", "Assign", "QueryLanguage"];
const JSONATA_FIELDS: Record<string, string[]> = {
  Pass: [...COMMON, ...FLOW, ...JSONATA_OUT],
  Task: [...COMMON, ...FLOW, ...JSONATA_OUT, "Arguments", "Retry", "Catch", "Resource", "TimeoutSeconds", "HeartbeatSeconds", "Credentials"],
  Choice: [...COMMON, ...JSONATA_OUT, "Choices", "Default"],
  Wait: [...COMMON, ...FLOW, ...JSONATA_OUT, "Seconds", "Timestamp"],
  Succeed: [...COMMON, "Output", "QueryLanguage"],
  Fail: [...COMMON, "Error", "Cause", "QueryLanguage"],
  Parallel: [...COMMON, ...FLOW, ...JSONATA_OUT, "Arguments", "Retry", "Catch", "Branches"],
  Map: [...COMMON, ...FLOW, ...JSONATA_OUT, "Items", "ItemSelector", "ItemProcessor", "MaxConcurrency", "Retry", "Catch", "Label"],
};
/** Fields whose value may hold `{% … %}` expressions in a JSONata state. */
const JSONATA_EXPRESSION_FIELDS = ["Arguments", "Output", "Assign", "Items", "ItemSelector", "Seconds", "Timestamp", "Error", "Cause", "TimeoutSeconds", "HeartbeatSeconds", "MaxConcurrency"];
const PATH_FIELDS = ["InputPath", "OutputPath", "ResultPath", "ItemsPath", "SecondsPath", "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "ErrorPath", "CausePath", "MaxConcurrencyPath"];

export class DefinitionProblems {
  readonly list: string[] = [];
  add(code: string, message: string, at: string): void {
    this.list.push(`${code}: ${message} at ${at || "/"}`);
  }
  /** The InvalidDefinition message: Step Functions quotes the problems, comma-separated. */
  message(): string {
    return `Invalid State Machine Definition: '${this.list.join(", ")}'`;
  }
}

/** Parses and checks a definition; `problems` is empty when it is valid. */
export function checkDefinition(text: string): { machine?: Machine; problems: DefinitionProblems } {
  const problems = new DefinitionProblems();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    problems.add("INVALID_JSON_DESCRIPTION", (err as Error).message, "/");
    return { problems };
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    problems.add("SCHEMA_VALIDATION_FAILED", "The definition must be a JSON object", "/");
    return { problems };
  }
  const machine = doc as Record<string, any>;
  for (const key of Object.keys(machine)) {
    if (key === "QueryLanguage" && machine[key] !== "JSONPath" && machine[key] !== "JSONata") problems.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'QueryLanguage' must be one of JSONPath, JSONata", "/QueryLanguage");
    else if (!["StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"].includes(key)) problems.add("SCHEMA_VALIDATION_FAILED", `Field '${key}' is not supported`, `/${key}`);
  }
  if (machine.TimeoutSeconds !== undefined && !(Number.isInteger(machine.TimeoutSeconds) && machine.TimeoutSeconds > 0)) {
    problems.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'TimeoutSeconds' must be a positive integer", "/TimeoutSeconds");
  }
  checkStates(machine, "", problems, machine.QueryLanguage === "JSONata" ? "JSONata" : "JSONPath");
  return problems.list.length ? { problems } : { machine: machine as Machine, problems };
}

/** One StartAt/States set: the machine itself, a Parallel branch or a Map processor. */
function checkStates(scope: Record<string, any>, at: string, problems: DefinitionProblems, language: "JSONPath" | "JSONata"): void {
  if (typeof scope.StartAt !== "string") problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [StartAt]", at || "/");
  if (!scope.States || typeof scope.States !== "object" || Array.isArray(scope.States) || !Object.keys(scope.States).length) {
    problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [States]", at || "/");
    return;
  }
  const states = scope.States as Record<string, StateDef>;
  const names = new Set(Object.keys(states));
  if (typeof scope.StartAt === "string" && !names.has(scope.StartAt)) problems.add("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${scope.StartAt}`, `${at}/StartAt`);
  const target = (name: unknown, where: string) => {
    if (typeof name !== "string") problems.add("SCHEMA_VALIDATION_FAILED", "The value must be a state name", where);
    else if (!names.has(name)) problems.add("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${name}`, where);
  };
  for (const [name, state] of Object.entries(states)) {
    const here = `${at}/States/${name}`;
    if (name.length > 80) problems.add("SCHEMA_VALIDATION_FAILED", "State names must be at most 80 characters", here);
    if (!state || typeof state !== "object") {
      problems.add("SCHEMA_VALIDATION_FAILED", "A state must be a JSON object", here);
      continue;
    }
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== "JSONPath" && state.QueryLanguage !== "JSONata") {
      problems.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'QueryLanguage' must be one of JSONPath, JSONata", `${here}/QueryLanguage`);
    }
    if (language === "JSONata" && state.QueryLanguage === "JSONPath") {
      problems.add("SCHEMA_VALIDATION_FAILED", "A JSONPath state is not allowed in a JSONata state machine", `${here}/QueryLanguage`);
    }
    const jsonataState = (state.QueryLanguage ?? language) === "JSONata";
    const allowed = jsonataState ? JSONATA_FIELDS[state.Type] : FIELDS[state.Type] && [...FIELDS[state.Type]!, "QueryLanguage"];
    if (!allowed) {
      problems.add("SCHEMA_VALIDATION_FAILED", state.Type === undefined ? "These fields are required: [Type]" : `The value for the field 'Type' must be one of ${Object.keys(FIELDS).join(", ")}`, here);
      continue;
    }
    for (const key of Object.keys(state)) if (!allowed.includes(key)) problems.add("SCHEMA_VALIDATION_FAILED", `Field '${key}' is not supported`, `${here}/${key}`);
    if (jsonataState) {
      checkJsonataState(state, here, problems, target, language);
      continue;
    }
    for (const key of PATH_FIELDS) {
      const v = state[key];
      if (v === undefined || (v === null && ["InputPath", "OutputPath", "ResultPath"].includes(key))) continue;
      if ((key === "ErrorPath" || key === "CausePath") && typeof v === "string" && isIntrinsic(v)) continue;
      try {
        if (typeof v !== "string") throw new Error();
        parsePath(v.replace(/^\$\$/, "$"));
      } catch {
        problems.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${key}' must be a valid JSONPath`, `${here}/${key}`);
      }
    }
    if (allowed.includes("Next")) {
      if (state.Next !== undefined && state.End !== undefined) problems.add("SCHEMA_VALIDATION_FAILED", "Only one of these fields is allowed: [Next, End]", here);
      else if (state.Next === undefined && state.End !== true) problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Next, End]", here);
      if (state.Next !== undefined) target(state.Next, `${here}/Next`);
    }
    for (const field of ["Parameters", "ResultSelector", "ItemSelector"]) if (state[field] !== undefined) checkTemplate(state[field], `${here}/${field}`, problems);
    checkRetryCatch(state, here, problems, target);
    checkType(state, here, problems, target, language);
  }
  checkReachable(scope.StartAt, states, at, problems);
}

/** A JSONata state: its expressions compile, Choice rules have a Condition, Catch clauses take Output/Assign, nested scopes are checked. */
function checkJsonataState(state: StateDef, here: string, problems: DefinitionProblems, target: (n: unknown, w: string) => void, language: "JSONPath" | "JSONata"): void {
  const expressions = (value: unknown, where: string) => {
    for (const e of expressionsIn(value)) {
      try {
        compile(e);
      } catch (err) {
        problems.add("SCHEMA_VALIDATION_FAILED", `The JSONata expression '${e.trim()}' is invalid: ${(err as Error).message}`, where);
      }
    }
  };
  for (const field of JSONATA_EXPRESSION_FIELDS) if (state[field] !== undefined) expressions(state[field], `${here}/${field}`);
  if (state.Assign !== undefined && (typeof state.Assign !== "object" || Array.isArray(state.Assign) || state.Assign === null)) {
    problems.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'Assign' must be a JSON object", `${here}/Assign`);
  }
  if (state.Type !== "Choice") {
    if (state.Next !== undefined && state.End !== undefined) problems.add("SCHEMA_VALIDATION_FAILED", "Only one of these fields is allowed: [Next, End]", here);
    else if (JSONATA_FIELDS[state.Type]!.includes("Next") && state.Next === undefined && state.End !== true) problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Next, End]", here);
    if (state.Next !== undefined) target(state.Next, `${here}/Next`);
  }
  for (const [i, c] of (Array.isArray(state.Catch) ? state.Catch : []).entries()) {
    for (const k of Object.keys(c ?? {})) if (!["ErrorEquals", "Next", "Output", "Assign", "Comment"].includes(k)) problems.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported`, `${here}/Catch/${i}/${k}`);
    expressions(c?.Output, `${here}/Catch/${i}/Output`);
    expressions(c?.Assign, `${here}/Catch/${i}/Assign`);
  }
  checkRetryCatch(state, here, problems, target);
  if (state.Type === "Choice") {
    if (!Array.isArray(state.Choices) || !state.Choices.length) problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Choices]", here);
    else state.Choices.forEach((rule: any, i: number) => {
      const where = `${here}/Choices/${i}`;
      target(rule?.Next, `${where}/Next`);
      if (typeof rule?.Condition !== "string" && typeof rule?.Condition !== "boolean") problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Condition]", where);
      for (const k of Object.keys(rule ?? {})) if (!["Condition", "Next", "Output", "Assign", "Comment"].includes(k)) problems.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported`, `${where}/${k}`);
      for (const k of ["Condition", "Output", "Assign"]) expressions(rule?.[k], `${where}/${k}`);
    });
    if (state.Default !== undefined) target(state.Default, `${here}/Default`);
  } else if (state.Type === "Wait") {
    if ((state.Seconds === undefined) === (state.Timestamp === undefined)) problems.add("SCHEMA_VALIDATION_FAILED", "Exactly one of these fields is required: [Seconds, Timestamp]", here);
  } else if (state.Type === "Task") {
    if (typeof state.Resource !== "string") problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Resource]", here);
  } else {
    checkType(state, here, problems, target, state.QueryLanguage ?? language);
  }
}

/** Every `.$` field of a payload template must hold a path or an intrinsic call that parses. */
function checkTemplate(template: unknown, at: string, problems: DefinitionProblems): void {
  if (Array.isArray(template)) return template.forEach((v, i) => checkTemplate(v, `${at}/${i}`, problems));
  if (!template || typeof template !== "object") return;
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith(".$")) {
      checkTemplate(value, `${at}/${key}`, problems);
      continue;
    }
    try {
      if (typeof value !== "string") throw new Error();
      if (value.startsWith("$")) parsePath(value.replace(/^\$\$/, "$"));
      else parseIntrinsic(value);
    } catch {
      problems.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`, `${at}/${key}`);
    }
  }
}

function checkRetryCatch(state: StateDef, here: string, problems: DefinitionProblems, target: (n: unknown, w: string) => void): void {
  for (const field of ["Retry", "Catch"] as const) {
    const list = state[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${field}' must be an array`, `${here}/${field}`);
      continue;
    }
    list.forEach((clause: any, i: number) => {
      const where = `${here}/${field}/${i}`;
      const errors = clause?.ErrorEquals;
      if (!Array.isArray(errors) || !errors.length || errors.some((e: unknown) => typeof e !== "string")) problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [ErrorEquals]", where);
      else if (errors.includes("States.ALL") && (errors.length > 1 || i !== list.length - 1)) {
        problems.add("SCHEMA_VALIDATION_FAILED", `${field === "Retry" ? "Retrier" : "Catcher"} with States.ALL must be the last one and must be the only error name in its ErrorEquals`, `${where}/ErrorEquals`);
      }
      if (field === "Catch") target(clause?.Next, `${where}/Next`);
      if (field === "Retry") {
        if (clause.MaxAttempts !== undefined && !(Number.isInteger(clause.MaxAttempts) && clause.MaxAttempts >= 0)) problems.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'MaxAttempts' must be a non-negative integer", `${where}/MaxAttempts`);
        if (clause.IntervalSeconds !== undefined && !(Number.isInteger(clause.IntervalSeconds) && clause.IntervalSeconds >= 1)) problems.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'IntervalSeconds' must be a positive integer", `${where}/IntervalSeconds`);
        if (clause.BackoffRate !== undefined && !(typeof clause.BackoffRate === "number" && clause.BackoffRate >= 1)) problems.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'BackoffRate' must be at least 1.0", `${where}/BackoffRate`);
      }
    });
  }
}

function checkType(state: StateDef, here: string, problems: DefinitionProblems, target: (n: unknown, w: string) => void, language: "JSONPath" | "JSONata"): void {
  // Nested branches and processors inherit the state's language.
  const inner = state.QueryLanguage ?? language;
  const exclusive = (a: string, b: string) => {
    if (state[a] !== undefined && state[b] !== undefined) problems.add("SCHEMA_VALIDATION_FAILED", `Only one of these fields is allowed: [${a}, ${b}]`, here);
  };
  switch (state.Type) {
    case "Task":
      if (typeof state.Resource !== "string") problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Resource]", here);
      else if (!/^arn:aws[\w-]*:(states|lambda):/.test(state.Resource)) problems.add("SCHEMA_VALIDATION_FAILED", `Value is not a valid resource ARN: ${state.Resource}`, `${here}/Resource`);
      exclusive("TimeoutSeconds", "TimeoutSecondsPath");
      exclusive("HeartbeatSeconds", "HeartbeatSecondsPath");
      if (typeof state.TimeoutSeconds === "number" && typeof state.HeartbeatSeconds === "number" && state.HeartbeatSeconds >= state.TimeoutSeconds) {
        problems.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'", `${here}/HeartbeatSeconds`);
      }
      break;
    case "Wait": {
      const given = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].filter((k) => state[k] !== undefined);
      if (given.length !== 1) problems.add("SCHEMA_VALIDATION_FAILED", "Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath]", here);
      break;
    }
    case "Fail":
      exclusive("Error", "ErrorPath");
      exclusive("Cause", "CausePath");
      break;
    case "Choice":
      if (!Array.isArray(state.Choices) || !state.Choices.length) problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Choices]", here);
      else state.Choices.forEach((rule: any, i: number) => {
        target(rule?.Next, `${here}/Choices/${i}/Next`);
        checkRule(rule, `${here}/Choices/${i}`, problems, true);
      });
      if (state.Default !== undefined) target(state.Default, `${here}/Default`);
      break;
    case "Parallel":
      if (!Array.isArray(state.Branches) || !state.Branches.length) problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Branches]", here);
      else state.Branches.forEach((b: any, i: number) => checkStates(b ?? {}, `${here}/Branches/${i}`, problems, inner));
      break;
    case "Map": {
      exclusive("Iterator", "ItemProcessor");
      exclusive("Parameters", "ItemSelector");
      const processor = state.ItemProcessor ?? state.Iterator;
      if (!processor) problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [ItemProcessor]", here);
      else checkStates(processor, `${here}/${state.ItemProcessor ? "ItemProcessor" : "Iterator"}`, problems, inner);
      if (state.MaxConcurrency !== undefined && typeof state.MaxConcurrency !== "string" && !(Number.isInteger(state.MaxConcurrency) && state.MaxConcurrency >= 0)) problems.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'MaxConcurrency' must be a non-negative integer", `${here}/MaxConcurrency`);
      break;
    }
  }
}

function checkRule(rule: any, where: string, problems: DefinitionProblems, top: boolean): void {
  if (!rule || typeof rule !== "object") return problems.add("SCHEMA_VALIDATION_FAILED", "A choice rule must be a JSON object", where);
  if (!top && rule.Next !== undefined) problems.add("SCHEMA_VALIDATION_FAILED", "Field 'Next' is not supported in a nested choice rule", `${where}/Next`);
  if (Array.isArray(rule.And) || Array.isArray(rule.Or)) {
    (rule.And ?? rule.Or).forEach((r: unknown, i: number) => checkRule(r, `${where}/${rule.And ? "And" : "Or"}/${i}`, problems, false));
    return;
  }
  if (rule.Not) return checkRule(rule.Not, `${where}/Not`, problems, false);
  const ops = Object.keys(rule).filter((k) => CHOICE_OPERATORS.includes(k));
  if (typeof rule.Variable !== "string") problems.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Variable]", where);
  if (ops.length !== 1) problems.add("SCHEMA_VALIDATION_FAILED", "A choice rule must have exactly one comparison operator", where);
  for (const k of Object.keys(rule)) if (!["Variable", "Next", "Comment", ...CHOICE_OPERATORS].includes(k)) problems.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported`, `${where}/${k}`);
}

function checkReachable(startAt: unknown, states: Record<string, StateDef>, at: string, problems: DefinitionProblems): void {
  if (typeof startAt !== "string" || !(startAt in states)) return;
  const seen = new Set<string>();
  const queue = [startAt];
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name) || !(name in states)) continue;
    seen.add(name);
    const s = states[name]!;
    if (typeof s.Next === "string") queue.push(s.Next);
    if (typeof s.Default === "string") queue.push(s.Default);
    for (const c of Array.isArray(s.Choices) ? s.Choices : []) if (typeof c?.Next === "string") queue.push(c.Next);
    for (const c of Array.isArray(s.Catch) ? s.Catch : []) if (typeof c?.Next === "string") queue.push(c.Next);
  }
  for (const name of Object.keys(states)) if (!seen.has(name)) problems.add("UNREACHABLE_STATE", `State "${name}" is not reachable.`, `${at}/States/${name}`);
}
