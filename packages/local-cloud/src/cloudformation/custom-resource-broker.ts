/**
 * Custom resources talk back asynchronously: the engine invokes the handler Lambda with
 * a ResponseURL and waits for the handler to PUT its result there. The broker hands
 * out one-time tokens for those URLs and resolves the waiting deploy when the PUT
 * arrives (the kernel routes `/_aws/cloudformation/custom-resource/{token}` here).
 */
import { randomUUID } from "node:crypto";

export interface CustomResourceResponse {
  Status: "SUCCESS" | "FAILED";
  Reason?: string;
  PhysicalResourceId?: string;
  StackId?: string;
  RequestId?: string;
  LogicalResourceId?: string;
  NoEcho?: boolean;
  Data?: Record<string, unknown>;
}

export class CustomResourceBroker {
  private readonly pending = new Map<string, { resolve: (r: CustomResourceResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(private readonly endpoint: () => string) {}

  /** A URL to give the handler and a promise of what it PUTs there. */
  open(timeoutMs: number): { url: string; response: Promise<CustomResourceResponse>; cancel(): void } {
    const token = randomUUID();
    let cancel = () => {};
    const response = new Promise<CustomResourceResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new Error(`CloudFormation did not receive a response from your Custom Resource within ${Math.round(timeoutMs / 1000)} seconds`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(token, { resolve, reject, timer });
      cancel = () => {
        clearTimeout(timer);
        this.pending.delete(token);
      };
    });
    response.catch(() => {});
    return { url: `${this.endpoint()}/_aws/cloudformation/custom-resource/${token}`, response, cancel };
  }

  /** A PUT to a response URL. Returns false for an unknown or used token. */
  deliver(token: string, body: string): boolean {
    const p = this.pending.get(token);
    if (!p) return false;
    this.pending.delete(token);
    clearTimeout(p.timer);
    let parsed: CustomResourceResponse;
    try {
      parsed = JSON.parse(body);
    } catch {
      p.reject(new Error("Invalid custom resource response: the body is not JSON"));
      return true;
    }
    if (parsed.Status !== "SUCCESS" && parsed.Status !== "FAILED") {
      p.reject(new Error(`Invalid custom resource response: Status must be SUCCESS or FAILED, got ${JSON.stringify(parsed.Status)}`));
      return true;
    }
    p.resolve(parsed);
    return true;
  }

  close(): void {
    for (const [token, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error("The local cloud stopped while waiting for a custom resource"));
      this.pending.delete(token);
    }
  }
}
