/**
 * Where a function's log lines go: CloudWatch Logs (`cloud.logs`, group
 * `/aws/lambda/{name}`, one stream per execution environment) when the cloud has it,
 * and always a bounded in-memory tail per function, kept with each line's request id,
 * so the Console and tests can read recent logs without CloudWatch.
 *
 * CloudWatch writes are batched: lines wait up to FLUSH_MS per stream and go out in
 * one PutLogEvents (within its 10,000 events / 1 MB), as the Lambda service's own log
 * shipping does, so a burst of invocations costs a few writes, not three per invocation.
 */
import type { LambdaCloud } from "./cloud-deps.js";

export interface LogLine {
  timestamp: number;
  requestId: string;
  message: string;
}

const KEEP_PER_FUNCTION = 2000;
/** How long lines wait to be shipped: about what CloudWatch takes to show them. */
const FLUSH_MS = 200;
/** PutLogEvents' limits: 10,000 events and 1,048,576 bytes (26 bytes of overhead an event). */
const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
/** Streams known to exist; forgotten past this many (environments come and go). */
const MAX_ENSURED = 10_000;

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

interface Batch {
  functionName: string;
  logStreamName: string;
  lines: LogLine[];
}

export class LambdaLogSink {
  private readonly tails = new Map<string, Tail>();
  private readonly ensured = new Set<string>();
  /** Lines waiting to be shipped, per group + stream. */
  private readonly batches = new Map<string, Batch>();
  private timer?: NodeJS.Timeout;
  /** The shipping in progress: batches go out one after another, so each stream stays in order. */
  private shipping: Promise<void> = Promise.resolve();

  constructor(private readonly cloud: Pick<LambdaCloud, "logs">) {}

  write(functionName: string, logStreamName: string, lines: LogLine[]): void {
    if (lines.length === 0) return;
    let tail = this.tails.get(functionName);
    if (!tail) this.tails.set(functionName, (tail = new Tail()));
    for (const line of lines) tail.push(line);

    if (!this.cloud.logs) return;
    const key = `${functionName}\u0000${logStreamName}`;
    const batch = this.batches.get(key);
    if (batch) for (const line of lines) batch.lines.push(line);
    else this.batches.set(key, { functionName, logStreamName, lines: lines.slice() });
    if (!this.timer) {
      this.timer = setTimeout(() => this.ship(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Recent lines of a function, optionally of one request. */
  recent(functionName: string, requestId?: string): LogLine[] {
    const all = this.tails.get(functionName)?.all() ?? [];
    return requestId ? all.filter((l) => l.requestId === requestId) : all;
  }

  forget(functionName: string): void {
    this.tails.delete(functionName);
  }

  /** Ships what waits now; resolves once every write so far is done. */
  async flush(): Promise<void> {
    this.ship();
    await this.shipping;
  }

  private ship(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batches.size === 0) return;
    const batches = [...this.batches.values()];
    this.batches.clear();
    this.shipping = this.shipping.then(async () => {
      for (const b of batches) await this.put(b);
    });
  }

  private async put(b: Batch): Promise<void> {
    const logs = this.cloud.logs;
    if (!logs) return;
    const group = `/aws/lambda/${b.functionName}`;
    const key = `${group}\u0000${b.logStreamName}`;
    try {
      if (!this.ensured.has(key)) {
        await ignoreExists(logs.call("CreateLogGroup", { logGroupName: group }));
        await ignoreExists(logs.call("CreateLogStream", { logGroupName: group, logStreamName: b.logStreamName }));
        if (this.ensured.size >= MAX_ENSURED) this.ensured.clear();
        this.ensured.add(key);
      }
      // One environment writes its stream in order; a clock step back must not fail the batch.
      const events = b.lines.map((l) => ({ timestamp: l.timestamp, message: l.message })).sort((x, y) => x.timestamp - y.timestamp);
      for (const chunk of chunks(events)) await logs.call("PutLogEvents", { logGroupName: group, logStreamName: b.logStreamName, logEvents: chunk });
    } catch (err: any) {
      // Logging must never break an invocation; a lost batch is reported here.
      this.ensured.delete(key);
      process.emitWarning(`lambda logs for ${b.functionName} not written to CloudWatch: ${err?.message ?? err}`);
    }
  }
}

/** Splits events into PutLogEvents-sized batches. */
function* chunks(events: { timestamp: number; message: string }[]): Generator<{ timestamp: number; message: string }[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    const size = Buffer.byteLength(events[i]!.message) + 26;
    if (i > start && (i - start >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES)) {
      yield events.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < events.length) yield events.slice(start);
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err: any) {
    if (err?.code !== "ResourceAlreadyExistsException" && err?.name !== "ResourceAlreadyExistsException") throw err;
  }
}
