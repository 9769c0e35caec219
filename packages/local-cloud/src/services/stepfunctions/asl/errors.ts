/**
 * Errors inside an execution, as the Amazon States Language names them: a state fails
 * with an error name (`States.Timeout`, `Lambda.ServiceException`, a function's
 * `errorType` …) and a cause, and Retry/Catch match on the name.
 */
export class StatesError extends Error {
  constructor(readonly error: string, override readonly cause: string = "") {
    super(`${error}: ${cause}`);
  }
}

/** A failure the interpreter itself finds in the data (a path that selects nothing, a bad type): not catchable by States.ALL. */
export const runtimeError = (cause: string) => new StatesError("States.Runtime", cause);

/** Whether a Retry/Catch clause's ErrorEquals matches `error` (States.TaskFailed only inside a Task). */
export function errorMatches(errorEquals: readonly string[], error: string, inTask: boolean): boolean {
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === "States.ALL" && error !== "States.Runtime" && error !== "States.DataLimitExceeded") return true;
    if (name === "States.TaskFailed" && inTask && error !== "States.Timeout" && error !== "States.Runtime" && error !== "States.DataLimitExceeded") return true;
  }
  return false;
}
