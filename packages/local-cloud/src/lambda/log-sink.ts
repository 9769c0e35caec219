/**
 * Where a function's log lines go: CloudWatch Logs (`cloud.logs`, group
 * `/aws/lambda/{name}`, one stream per execution environment, shipped in batches by
 * the LogShipper) when the cloud has it, and always a bounded in-memory tail per
 * function, kept with each line's request id, so the Console and tests can read recent
 * logs without CloudWatch.
 */
import { LogShipper } from "../services/logs/log-shipper.js";
import type { LambdaCloud } from "./cloud-deps.js";

export interface LogLine {
  timestamp: number;
  requestId: string;
  message: string;
}

const KEEP_PER_FUNCTION = 2000;

/** The last lines of one function, oldest first, in a fixed-size ring. */
class Tail {
  private readonly lines: LogLine[] = [];
  private start = 0;

  push(line: LogLine): void {
    if (this.lines.length < KEEP_PER_FUNCTION) this.lines.push(line);
    else {
      this.lines[this.start] = line;
      this.start = (this.start + 1) % KEEP_PER_FUNCTION;
    }
  }

  all(): LogLine[] {
    return this.start === 0 ? [...this.lines] : [...this.lines.slice(this.start), ...this.lines.slice(0, this.start)];
  }
}

export class LambdaLogSink {
  private readonly tails = new Map<string, Tail>();
  private readonly shipper: LogShipper;

  constructor(cloud: Pick<LambdaCloud, "logs">) {
    this.shipper = new LogShipper(() => cloud.logs, {
      createGroups: true,
      // Logging must never break an invocation; a lost batch is reported here.
      onError: (group, err: any) => process.emitWarning(`lambda logs for ${group} not written to CloudWatch: ${err?.message ?? err}`),
    });
  }

  write(functionName: string, logStreamName: string, lines: LogLine[]): void {
    if (lines.length === 0) return;
    let tail = this.tails.get(functionName);
    if (!tail) this.tails.set(functionName, (tail = new Tail()));
    for (const line of lines) tail.push(line);
    this.shipper.write(`/aws/lambda/${functionName}`, logStreamName, lines);
  }

  /** Recent lines of a function, optionally of one request. */
  recent(functionName: string, requestId?: string): LogLine[] {
    const all = this.tails.get(functionName)?.all() ?? [];
    return requestId ? all.filter((l) => l.requestId === requestId) : all;
  }

  forget(functionName: string): void {
    this.tails.delete(functionName);
  }

  /** Resolves once every line so far is in CloudWatch Logs. */
  flush(): Promise<void> {
    return this.shipper.flush();
  }
}
