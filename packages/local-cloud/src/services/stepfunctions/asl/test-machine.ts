/** Test helper: runs a definition through the interpreter with tasks answered by a function, recording history. */
import { checkDefinition } from "./definition.js";
import { Interpreter, type ContextObject, type Outcome, type TaskRequest } from "./interpreter.js";

export interface Ran {
  outcome: Outcome;
  events: { type: string; details?: Record<string, unknown> }[];
}

export async function runMachine(definition: object, input: unknown, task: (t: TaskRequest) => unknown = () => ({}), opts: { signal?: AbortSignal; timeScale?: number } = {}): Promise<Ran> {
  const { machine, problems } = checkDefinition(JSON.stringify(definition));
  if (!machine) throw new Error(problems.message());
  const events: Ran["events"] = [];
  const interpreter = new Interpreter(machine, {
    tasks: { run: async (t) => task(t) },
    record: (type, _key, details) => events.push({ type, details }),
    timeScale: opts.timeScale ?? 0.001,
  });
  const context: ContextObject = {
    Execution: { Id: "arn:aws:states:us-east-1:000000000000:execution:m:e", Input: input, Name: "e", RoleArn: "arn:aws:iam::000000000000:role/r", StartTime: new Date().toISOString(), RedriveCount: 0 },
    StateMachine: { Id: "arn:aws:states:us-east-1:000000000000:stateMachine:m", Name: "m" },
  };
  const outcome = await interpreter.run(input, context, opts.signal ?? new AbortController().signal);
  return { outcome, events };
}

export function output(ran: Ran): unknown {
  if (ran.outcome.status !== "SUCCEEDED") throw new Error(`execution ${ran.outcome.status}: ${JSON.stringify(ran.outcome)}`);
  return ran.outcome.output;
}
