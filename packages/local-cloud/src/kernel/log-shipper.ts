/**
 * How the local cloud's own producers (Lambda function logs, API Gateway access logs)
 * write to CloudWatch Logs: events wait up to FLUSH_MS per stream and go out in one
 * PutLogEvents (within its 10,000 events / 1 MB), as AWS's own log delivery batches
 * them, so a burst of requests costs a few writes rather than one or three per request.
 * Streams are created on first use (and their group, when asked); each stream's events
 * stay in order. Shipping never delays or fails the request that produced the line.
 *
 * Under load the lines of 200 ms are thousands, and writing them holds the event loop:
 * every request arriving meanwhile waits (at one connection, that was the p99). So a
 * batch also goes out once SHIP_EVENTS lines wait, and each PutLogEvents runs in an
 * event-loop turn of its own, never longer than SHIP_EVENTS lines.
 */

export interface LogsClient {
  call(operation: string, input: any): Promise<any>;
}

export interface LogEvent {
  timestamp: number;
  message: string;
}

/** How long events wait to be shipped: about what CloudWatch takes to show them. */
export const FLUSH_MS = 200;
/** Lines waiting (all streams) that ship at once, and the most one PutLogEvents takes: about 1 ms of the event loop. */
export const SHIP_EVENTS = 512;
/** Events a PutLogEvents carries: SHIP_EVENTS (PutLogEvents itself takes 10,000), within its 1,048,576 bytes (26 bytes of overhead an event). */
const MAX_BATCH_EVENTS = SHIP_EVENTS;
const MAX_BATCH_BYTES = 1_048_576;
/** A CloudWatch event holds at most 256 KB; AWS's delivery truncates longer lines. */
const MAX_EVENT_BYTES = 262_144 - 26;
/** Streams known to exist; forgotten past this many (execution environments come and go). */
const MAX_KNOWN_STREAMS = 10_000;

interface Pending {
  group: string;
  stream: string;
  events: LogEvent[];
}

export class LogShipper {
  private readonly pending = new Map<string, Pending>();
  private readonly known = new Set<string>();
  /** The batch written to last (it is in `pending`). */
  private last?: Pending;
  private timer?: NodeJS.Timeout;
  /** Lines waiting in `pending`, and whether they ship at the end of this turn (SHIP_EVENTS reached). */
  private waiting = 0;
  private soon?: NodeJS.Immediate;
  /** Shipping in progress: batches go out one after another, so each stream stays in order. */
  private shipping: Promise<void> = Promise.resolve();

  constructor(
    private readonly logs: () => LogsClient | undefined,
    private readonly opts: {
      /** Create the log group when it is missing (Lambda does; access logs need the template's group). */
      createGroups: boolean;
      /** A batch could not be written (the group is gone, …). */
      onError?(group: string, err: unknown): void;
    },
  ) {}

  write(group: string, stream: string, events: LogEvent | LogEvent[]): void {
    if (!this.logs()) return;
    // Under load one stream gets line after line: its batch is at hand without a key to build.
    let p = this.last;
    if (p === undefined || p.stream !== stream || p.group !== group) {
      const key = `${group}\u0000${stream}`;
      p = this.pending.get(key);
      if (!p) this.pending.set(key, (p = { group, stream, events: [] }));
      this.last = p;
    }
    if (Array.isArray(events)) {
      for (const e of events) p.events.push(e);
      this.waiting += events.length;
    } else {
      p.events.push(events);
      this.waiting++;
    }
    if (this.waiting >= SHIP_EVENTS) {
      // After this turn's other lines: one batch for them all.
      this.soon ??= setImmediate(() => this.ship());
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.ship(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Ships what waits now; resolves once everything written so far is in CloudWatch Logs. */
  async flush(): Promise<void> {
    this.ship();
    await this.shipping;
  }

  private ship(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.soon) clearImmediate(this.soon);
    this.soon = undefined;
    this.waiting = 0;
    if (this.pending.size === 0) return;
    const batches = [...this.pending.values()];
    this.pending.clear();
    this.last = undefined;
    this.shipping = this.shipping.then(async () => {
      for (const b of batches) await this.put(b);
    });
  }

  private async put(b: Pending): Promise<void> {
    const logs = this.logs();
    if (!logs) return;
    const key = `${b.group}\u0000${b.stream}`;
    try {
      if (!this.known.has(key)) {
        if (this.opts.createGroups) await ignoreExists(logs.call("CreateLogGroup", { logGroupName: b.group }));
        await ignoreExists(logs.call("CreateLogStream", { logGroupName: b.group, logStreamName: b.stream }));
        if (this.known.size >= MAX_KNOWN_STREAMS) this.known.clear();
        this.known.add(key);
      }
      const events = shippable(b.events);
      for (const chunk of chunks(events)) {
        // A turn of its own: the requests that arrived meanwhile go first.
        await nextTurn();
        await logs.call("PutLogEvents", { logGroupName: b.group, logStreamName: b.stream, logEvents: chunk });
      }
    } catch (err) {
      this.known.delete(key);
      this.opts.onError?.(b.group, err);
    }
  }
}

/**
 * The events as PutLogEvents takes them: each within CloudWatch's bounds, in chronological
 * order (a clock step back must not fail the batch). Nearly always they are both already:
 * then the array itself, checked in one pass, with nothing allocated.
 */
function shippable(events: LogEvent[]): LogEvent[] {
  let ok = true;
  let last = -Infinity;
  for (let i = 0; i < events.length && ok; i++) {
    const e = events[i]!;
    if (e.timestamp < last || bounded(e) !== e) ok = false;
    last = e.timestamp;
  }
  return ok ? events : events.map(bounded).sort((x, y) => x.timestamp - y.timestamp);
}

/** An event CloudWatch takes: a message of 1 byte to 256 KB. */
function bounded(e: LogEvent): LogEvent {
  const message = e.message === "" ? " " : e.message;
  if (message.length * 3 <= MAX_EVENT_BYTES || Buffer.byteLength(message) <= MAX_EVENT_BYTES) return message === e.message ? e : { timestamp: e.timestamp, message };
  return { timestamp: e.timestamp, message: Buffer.from(message).subarray(0, MAX_EVENT_BYTES).toString() };
}

/** Splits events into PutLogEvents-sized batches (sizes bounded from above: 3 bytes a character). */
function* chunks(events: LogEvent[]): Generator<LogEvent[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    const m = events[i]!.message;
    const size = (m.length <= 4096 ? m.length * 3 : Buffer.byteLength(m)) + 26;
    if (i > start && (i - start >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES)) {
      yield events.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < events.length) yield events.slice(start);
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err: any) {
    if (err?.code !== "ResourceAlreadyExistsException" && err?.name !== "ResourceAlreadyExistsException") throw err;
  }
}
