/**
 * Where a function's log lines go: CloudWatch Logs (`cloud.logs`, group
 * `/aws/lambda/{name}`, one stream per execution environment) when the cloud has it,
 * and always a bounded in-memory tail per function, kept with each line's request id,
 * so the Console and tests can read recent logs without CloudWatch.
 */
import type { LambdaCloud } from "./cloud-deps.js";

export interface LogLine {
  timestamp: number;
  requestId: string;
  message: string;
}

const KEEP_PER_FUNCTION = 2000;

export class LambdaLogSink {
  private readonly recentLines = new Map<string, LogLine[]>();
  private readonly ensured = new Set<string>();
  /** Writes to CloudWatch are chained per stream so events stay in order. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly cloud: Pick<LambdaCloud, "logs">) {}

  write(functionName: string, logStreamName: string, lines: LogLine[]): void {
    if (lines.length === 0) return;
    const kept = this.recentLines.get(functionName) ?? [];
    kept.push(...lines);
    if (kept.length > KEEP_PER_FUNCTION) kept.splice(0, kept.length - KEEP_PER_FUNCTION);
    this.recentLines.set(functionName, kept);

    const logs = this.cloud.logs;
    if (!logs) return;
    const group = `/aws/lambda/${functionName}`;
    const key = `${group}\u0000${logStreamName}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        if (!this.ensured.has(key)) {
          await ignoreExists(logs.call("CreateLogGroup", { logGroupName: group }));
          await ignoreExists(logs.call("CreateLogStream", { logGroupName: group, logStreamName }));
          this.ensured.add(key);
        }
        await logs.call("PutLogEvents", {
          logGroupName: group,
          logStreamName,
          logEvents: lines.map((l) => ({ timestamp: l.timestamp, message: l.message })),
        });
      })
      // Logging must never break an invocation; a lost batch is reported once here.
      .catch((err) => {
        this.ensured.delete(key);
        process.emitWarning(`lambda logs for ${functionName} not written to CloudWatch: ${err?.message ?? err}`);
      });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** Recent lines of a function, optionally of one request. */
  recent(functionName: string, requestId?: string): LogLine[] {
    const all = this.recentLines.get(functionName) ?? [];
    return requestId ? all.filter((l) => l.requestId === requestId) : [...all];
  }

  forget(functionName: string): void {
    this.recentLines.delete(functionName);
  }

  /** Resolves once pending CloudWatch writes are done. */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err: any) {
    if (err?.code !== "ResourceAlreadyExistsException" && err?.name !== "ResourceAlreadyExistsException") throw err;
  }
}
