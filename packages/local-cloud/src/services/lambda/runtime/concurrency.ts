/**
 * Lambda's concurrency limits, the ones AWS answers with a throttle (429
 * TooManyRequestsException): a function's reserved concurrency, and the account's
 * concurrent executions, of which the functions without a reservation share what the
 * reservations leave. An invocation counts from the moment it is accepted until it
 * ends, including while it waits locally for an execution environment: on AWS it would
 * be running.
 */
import { AwsError } from "../../../server/aws-error.js";

/** Lambda's default account limit, and the part of it no reservation may take. */
export const ACCOUNT_CONCURRENCY = 1000;
export const MIN_UNRESERVED_CONCURRENCY = 100;

export function throttled(reason: "ReservedFunctionConcurrentInvocationLimitExceeded" | "ConcurrentInvocationLimitExceeded"): AwsError {
  return new AwsError("TooManyRequestsException", "Rate Exceeded.", 429, { Reason: reason });
}

export function isThrottle(err: unknown): boolean {
  return err instanceof AwsError && err.code === "TooManyRequestsException";
}

export class ConcurrencyLimits {
  private readonly running = new Map<string, number>();
  private total = 0;
  private unreserved = 0;

  constructor(
    /** The account's concurrent executions. */
    readonly accountLimit = ACCOUNT_CONCURRENCY,
    /** The sum of every function's reserved concurrency (asked on each check: reservations change). */
    private readonly reservedTotal: () => number = () => 0,
  ) {}

  /** Invocations of a function running now (or waiting for an environment). */
  inFlight(functionName: string): number {
    return this.running.get(functionName) ?? 0;
  }

  /**
   * Counts one more invocation of `functionName`, or throws Lambda's throttle when a
   * limit is reached. Returns the function that ends it (call it exactly once).
   */
  begin(functionName: string, reserved: number | undefined): () => void {
    const n = this.running.get(functionName) ?? 0;
    if (reserved !== undefined) {
      if (n >= reserved) throw throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
    } else if (this.unreserved >= Math.max(MIN_UNRESERVED_CONCURRENCY, this.accountLimit - this.reservedTotal())) {
      throw throttled("ConcurrentInvocationLimitExceeded");
    }
    if (this.total >= this.accountLimit) throw throttled("ConcurrentInvocationLimitExceeded");
    this.running.set(functionName, n + 1);
    this.total++;
    if (reserved === undefined) this.unreserved++;
    return () => {
      const left = (this.running.get(functionName) ?? 1) - 1;
      if (left === 0) this.running.delete(functionName);
      else this.running.set(functionName, left);
      this.total--;
      if (reserved === undefined) this.unreserved--;
    };
  }
}
