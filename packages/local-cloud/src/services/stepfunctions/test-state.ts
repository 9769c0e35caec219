/**
 * TestState: one state run by itself, outside any state machine, as the given role (a
 * Task calls the local services with IAM enforced). The definition is that state alone,
 * or a whole machine and `stateName`. The answer is the state's output and its next
 * state (SUCCEEDED), the error it caught and the Catch's next state (CAUGHT_ERROR), the
 * error a Retry clause would retry (RETRIABLE), or the error it failed with (FAILED).
 * Input/output processing is not itemized: `inspectionData` holds the input only.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import { checkDefinition, type StateDef } from "./asl/definition.js";
import { asStatesError, Interpreter, Retriable, type ContextObject } from "./asl/interpreter.js";
import { StatesTaskRunner, type TaskDeps } from "./tasks.js";

export interface TestStateInput {
  definition: string;
  roleArn?: string;
  input?: string;
  inspectionLevel?: "INFO" | "DEBUG" | "TRACE";
  stateName?: string;
}

const NAME = "TestState";

/** The state a TestState definition names, checked as Step Functions checks a machine holding it. */
export function stateToTest(definition: string, stateName?: string): { name: string; state: StateDef } {
  let doc: Record<string, any>;
  try {
    doc = JSON.parse(definition);
  } catch (err) {
    throw new AwsError("InvalidDefinition", `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${(err as Error).message} at /'`);
  }
  let name = NAME;
  let state = doc;
  if (doc && typeof doc === "object" && "States" in doc) {
    name = stateName ?? doc.StartAt;
    state = doc.States?.[name];
    if (!state) throw new AwsError("ValidationException", `State '${name}' does not exist in the definition`);
  }
  // Checked inside a machine whose other states are the targets it names.
  const targets = new Set<string>([state?.Next, state?.Default, ...(state?.Catch ?? []).map((c: any) => c?.Next), ...(state?.Choices ?? []).map((c: any) => c?.Next)].filter((t) => typeof t === "string" && t !== name));
  const machine = { StartAt: name, States: { [name]: state, ...Object.fromEntries([...targets].map((t) => [t, { Type: "Succeed" }])) } };
  const { problems } = checkDefinition(JSON.stringify(machine));
  const own = problems.list.filter((p) => !p.startsWith("UNREACHABLE_STATE"));
  if (own.length) throw new AwsError("InvalidDefinition", `Invalid State Machine Definition: '${own.join(", ")}'`);
  return { name, state };
}

export async function testState(i: TestStateInput, deps: { taskDeps: TaskDeps; region: string; accountId: string; roleTrustsStates(roleArn: string): boolean }) {
  const { name, state } = stateToTest(i.definition, i.stateName);
  if (state.Type === "Task" && !i.roleArn) throw new AwsError("ValidationException", "A role ARN is required to test a Task state");
  if (i.roleArn && !deps.roleTrustsStates(i.roleArn)) {
    throw new AwsError("AccessDeniedException", "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role.");
  }
  let input: unknown;
  try {
    input = JSON.parse(i.input ?? "{}");
  } catch (err) {
    throw new AwsError("InvalidExecutionInput", `Invalid State Machine Execution Input: '${(err as Error).message}'`);
  }
  const roleArn = i.roleArn ?? "";
  const interpreter = new Interpreter({ StartAt: name, States: { [name]: state } }, {
    tasks: new StatesTaskRunner(deps.taskDeps, roleArn),
    record: () => {},
    retriesAsOutcome: true,
  });
  const id = randomUUID();
  const context: ContextObject = {
    Execution: { Id: `arn:aws:states:${deps.region}:${deps.accountId}:execution:TestStateMachine:${id}`, Input: input, Name: id, RoleArn: roleArn, StartTime: new Date().toISOString(), RedriveCount: 0 },
    StateMachine: { Id: `arn:aws:states:${deps.region}:${deps.accountId}:stateMachine:TestStateMachine`, Name: "TestStateMachine" },
  };
  const inspection = i.inspectionLevel && i.inspectionLevel !== "INFO" ? { inspectionData: { input: JSON.stringify(input) } } : {};
  try {
    const step = await interpreter.runSingleState(name, state, input, context, new AbortController().signal);
    const output = JSON.stringify(step.output ?? null);
    if (step.caught) return { status: "CAUGHT_ERROR", error: step.caught.error, cause: step.caught.cause, output, nextState: step.next, ...inspection };
    return { status: "SUCCEEDED", output, ...(step.next ? { nextState: step.next } : {}), ...inspection };
  } catch (err) {
    if (err instanceof Retriable) return { status: "RETRIABLE", error: err.failure.error, cause: err.failure.cause, ...inspection };
    const e = asStatesError(err);
    return { status: "FAILED", error: e.error, cause: e.cause, ...inspection };
  }
}
