/**
 * What an event source poller needs from the Lambda service: run the mapping's
 * function on a batch, and record the outcome on the mapping. Kept narrow so pollers
 * can be tested with fakes.
 */
import type { LambdaCloud } from "../cloud-deps.js";
import type { RuntimeInvokeResult } from "../runtime.js";

export interface PollerDeps {
  cloud: LambdaCloud;
  /** Invokes the function (name or qualified ARN) synchronously with an event. Throws when it doesn't exist. */
  invoke(functionArn: string, event: unknown): Promise<RuntimeInvokeResult>;
  /** The execution role of a function (Kinesis records name it), if it exists. */
  roleOf?(functionArn: string): string | undefined;
  /** Sets LastProcessingResult of a mapping. */
  reportResult(uuid: string, result: string): void;
  /** Diagnostics (a queue that vanished, a failing function). */
  log(message: string): void;
}

/** A stoppable background loop; `wake()` cuts an idle wait short. */
export interface Poller {
  start(): void;
  stop(): Promise<void>;
  wake(): void;
}

/** A wait that ends on timeout, wake() or stop(). A wake while not waiting ends the next wait at once. */
export class Waiter {
  private wakeUp?: () => void;
  private timer?: NodeJS.Timeout;
  private woken = false;

  wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wakeUp = () => {
        clearTimeout(this.timer);
        this.wakeUp = undefined;
        resolve();
      };
      this.timer = setTimeout(() => this.wakeUp?.(), ms);
    });
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }
}
