/**
 * Task tokens a running execution waits on (`.waitForTaskToken` integrations and
 * activities) and the activity tasks waiting for a worker's GetActivityTask. Both live
 * in memory: a task a restarted cloud resumes is scheduled again with a new token.
 */
import { AwsError } from "../../server/aws-error.js";
import { StatesError } from "./asl/errors.js";

interface Waiter {
  resolve(output: unknown): void;
  reject(err: StatesError): void;
  heartbeat(): void;
}

export class TaskTokens {
  private readonly waiting = new Map<string, Waiter>();

  /** Resolves with SendTaskSuccess's output, rejects with SendTaskFailure's error; forgets the token when the task ends either way. */
  wait(token: string, heartbeat: () => void, signal: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const done = () => {
        this.waiting.delete(token);
        signal.removeEventListener("abort", onAbort);
      };
      const onAbort = () => (done(), reject(signal.reason));
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.set(token, { resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)), heartbeat });
    });
  }

  private waiter(token: string): Waiter {
    if (!/^AQ[0-9a-f]{192}$/.test(token)) throw new AwsError("InvalidToken", `Invalid Token: '${token}'`);
    const waiter = this.waiting.get(token);
    if (!waiter) throw new AwsError("TaskDoesNotExist", "Task Timed Out: 'Provided task does not exist anymore'");
    return waiter;
  }

  succeed(token: string, output: unknown): void {
    this.waiter(token).resolve(output);
  }

  fail(token: string, error: string, cause: string): void {
    this.waiter(token).reject(new StatesError(error, cause));
  }

  heartbeat(token: string): void {
    this.waiter(token).heartbeat();
  }
}

export interface ActivityTask {
  token: string;
  input: string;
}

/** Activity tasks scheduled and not yet handed to a worker, and the workers long-polling for one. */
export class ActivityQueues {
  private readonly tasks = new Map<string, ActivityTask[]>();
  private readonly pollers = new Map<string, ((task: ActivityTask) => void)[]>();

  schedule(activityArn: string, task: ActivityTask): void {
    const poller = this.pollers.get(activityArn)?.shift();
    if (poller) return poller(task);
    const queue = this.tasks.get(activityArn) ?? [];
    queue.push(task);
    this.tasks.set(activityArn, queue);
  }

  /** Withdraws a task no worker took (its state ended). */
  cancel(activityArn: string, token: string): void {
    const queue = this.tasks.get(activityArn);
    if (queue) this.tasks.set(activityArn, queue.filter((t) => t.token !== token));
  }

  /** The next task, waiting up to `waitMs` (GetActivityTask's 60 seconds); undefined when none came. */
  poll(activityArn: string, waitMs: number): Promise<ActivityTask | undefined> {
    const queued = this.tasks.get(activityArn)?.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const list = this.pollers.get(activityArn) ?? [];
      const take = (task: ActivityTask) => (clearTimeout(timer), resolve(task));
      const timer = setTimeout(() => {
        this.pollers.set(activityArn, (this.pollers.get(activityArn) ?? []).filter((p) => p !== take));
        resolve(undefined);
      }, waitMs);
      timer.unref();
      list.push(take);
      this.pollers.set(activityArn, list);
    });
  }
}
