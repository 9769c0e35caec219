/**
 * Regular expressions written by the caller (SSM's and CloudFormation's AllowedPattern),
 * run with a time budget. A pattern such as `(a+)+$` backtracks exponentially on a value
 * of 40 a's and a "!", and a regular expression cannot be stopped from the thread it runs
 * on; a `vm` script with a timeout can (V8 interrupts the backtracking), so a test runs
 * there. Each test costs some 0.3 ms more than a plain one: these patterns are checked
 * once per write of a parameter or stack, never on a hot path.
 */
import vm from "node:vm";

/** Long enough for any sane pattern on the longest values AWS allows (8 KB). */
const BUDGET_MS = 100;

const context = vm.createContext({ re: /(?:)/, value: "" });
const run = new vm.Script("re.test(value)");

export type BoundedTest = boolean | "too-slow";

/** Whether `re` matches `value`, or "too-slow" when it did not decide within the budget. */
export function boundedTest(re: RegExp, value: string): BoundedTest {
  context.re = re;
  context.value = value;
  try {
    return run.runInContext(context, { timeout: BUDGET_MS }) as boolean;
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return "too-slow";
    throw err;
  } finally {
    context.re = /(?:)/;
    context.value = "";
  }
}
