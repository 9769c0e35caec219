/**
 * `sst dev`'s end of the Live Lambda bridge: long-polls the stage's request queue,
 * reassembles each invocation, runs it (the caller's `handle`), and sends the answer
 * to the stub's reply queue.
 *
 * Nothing in flight is lost when the network drops: a request not yet received stays
 * in its queue; a request received but lost on the way back (a long poll whose
 * connection died is still answered by SQS, into the void) reappears after a short
 * visibility timeout — requests are deleted as soon as they are whole, so the timeout
 * only has to cover a receive; an answer that cannot be sent is retried until the
 * invocation's deadline. SQS delivers at least once, so requests are de-duplicated by
 * the stub's request id; an answer whose reply queue was deleted (`sst dev` stopped
 * meanwhile) is kept for a while, and sent to the new queue the stub asks from.
 */
import type { Message, SQSClient } from "@aws-sdk/client-sqs";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { decodeFrame, frameMessages, partOf, Reassembler, type ReplyHeader, type RequestHeader } from "./protocol.js";

export interface BridgeInvocation {
  header: RequestHeader;
  /** The event, as JSON text. */
  event: string;
}

export interface BridgeAnswer {
  status: ReplyHeader["status"];
  /** The result as JSON text (success). */
  body?: string;
  error?: ReplyHeader["error"];
}

export interface BridgeEvents {
  /** The connection to the queue broke (once per outage) or came back. */
  onConnection?(state: "lost" | "restored", detail?: string): void;
  debug?(message: string): void;
}

const isMissingQueue = (err: unknown) => /NonExistentQueue|QueueDoesNotExist/.test(`${(err as Error)?.name} ${(err as { Code?: string })?.Code}`);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** Seconds a received request stays invisible: long enough to collect its parts and delete them. */
const VISIBILITY_TIMEOUT = 3;

/** How many answers are remembered after they were sent (to drop redeliveries). */
const REMEMBERED = 2000;

export class BridgeServer {
  private readonly abort = new AbortController();
  private readonly reassembler = new Reassembler();
  /** Receipt handles of the parts of each request, until the request is whole and deleted. */
  private readonly receipts = new Map<string, string[]>();
  /** Requests being run, with where to answer (a re-sent request moves it). */
  private readonly inFlight = new Map<string, { replyTo: string }>();
  /** Answered requests; `orphan` keeps an answer whose reply queue was gone. */
  private readonly answered = new Map<string, { orphan?: BridgeAnswer; deadline: number }>();
  private readonly running = new Set<Promise<void>>();
  private pollers: Promise<void>[] = [];
  private connected = true;

  constructor(
    private readonly sqs: SQSClient,
    private readonly requestUrl: string,
    private readonly handle: (inv: BridgeInvocation) => Promise<BridgeAnswer>,
    private readonly events: BridgeEvents = {},
    private readonly opts: { pollers?: number; visibilityTimeout?: number } = {},
  ) {}

  start(): void {
    const n = this.opts.pollers ?? 2;
    for (let i = 0; i < n; i++) this.pollers.push(this.poll());
  }

  /** Stops polling; invocations already running finish and answer (within `graceMs`). */
  async stop(graceMs = 5_000): Promise<void> {
    this.abort.abort();
    await Promise.all(this.pollers);
    await Promise.race([Promise.all(this.running), sleep(graceMs)]);
  }

  /** Requests in flight (for tests and the status line). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private setConnected(ok: boolean, detail?: string): void {
    if (ok === this.connected) return;
    this.connected = ok;
    this.events.onConnection?.(ok ? "restored" : "lost", detail);
  }

  private async poll(): Promise<void> {
    let backoff = 250;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let messages: Message[] | undefined;
      try {
        ({ Messages: messages } = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.requestUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 20,
            VisibilityTimeout: this.opts.visibilityTimeout ?? VISIBILITY_TIMEOUT,
            MessageAttributeNames: ["All"],
          }),
          { abortSignal: signal },
        ));
        this.setConnected(true);
        backoff = 250;
      } catch (err) {
        if (signal.aborted) return;
        this.setConnected(false, (err as Error)?.message ?? String(err));
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 2_000);
        continue;
      }
      if (messages?.length) this.onMessages(messages);
    }
  }

  private onMessages(messages: Message[]): void {
    const whole: { text: string; id: string }[] = [];
    const garbage: string[] = [];
    for (const m of messages) {
      const part = partOf(m);
      // Not a request, or a redelivered part of one already whole: delete, do not collect.
      if (!part || part.kind !== "request" || (this.answered.has(part.id) && !this.answered.get(part.id)!.orphan)) {
        garbage.push(m.ReceiptHandle!);
        continue;
      }
      const handles = this.receipts.get(part.id) ?? [];
      handles.push(m.ReceiptHandle!);
      this.receipts.set(part.id, handles);
      const text = this.reassembler.add(part);
      if (text !== undefined) whole.push({ text, id: part.id });
    }
    if (garbage.length) void this.deleteMessages(garbage);
    for (const { text, id } of whole) {
      const handles = this.receipts.get(id) ?? [];
      this.receipts.delete(id);
      // Deleted as soon as the request is whole: if this fails the request comes back, and is recognized.
      void this.deleteMessages(handles);
      let frame;
      try {
        frame = decodeFrame(text);
      } catch (err) {
        this.events.debug?.(`Live Lambda: dropped a malformed request ${id}: ${(err as Error).message}`);
        continue;
      }
      this.track(this.dispatch({ header: frame.header as RequestHeader, event: frame.body }));
    }
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private async dispatch(inv: BridgeInvocation): Promise<void> {
    const { id, deadline } = inv.header;
    const running = this.inFlight.get(id);
    if (running) {
      // The stub asked again (its reply queue was replaced): answer there.
      running.replyTo = inv.header.replyTo;
      return;
    }
    const done = this.answered.get(id);
    if (done) {
      if (done.orphan) {
        done.orphan = (await this.sendAnswer(id, inv.header.replyTo, done.orphan, deadline)) ? undefined : done.orphan;
      }
      return;
    }
    if (deadline <= Date.now()) {
      this.events.debug?.(`Live Lambda: dropped request ${id} of ${inv.header.functionName}: its invocation timed out before sst dev received it`);
      return;
    }
    const entry = { replyTo: inv.header.replyTo };
    this.inFlight.set(id, entry);
    let answer: BridgeAnswer;
    try {
      answer = await this.handle(inv);
    } catch (err) {
      const e = err as Error;
      answer = { status: "error", error: { errorType: e?.name ?? "Error", errorMessage: e?.message ?? String(err), trace: e?.stack?.split("\n").slice(1) } };
    }
    const sent = await this.sendAnswer(id, entry.replyTo, answer, deadline);
    this.inFlight.delete(id);
    this.remember(id, { deadline, ...(sent ? {} : { orphan: answer }) });
  }

  private remember(id: string, value: { orphan?: BridgeAnswer; deadline: number }): void {
    this.answered.set(id, value);
    if (this.answered.size > REMEMBERED) this.answered.delete(this.answered.keys().next().value!);
  }

  /** Sends an answer, retrying through network trouble until the deadline. False when the reply queue is gone (or time ran out). */
  private async sendAnswer(id: string, replyTo: string, answer: BridgeAnswer, deadline: number): Promise<boolean> {
    const header: ReplyHeader = { v: 1, kind: "reply", id, status: answer.status, ...(answer.error ? { error: answer.error } : {}) };
    const messages = frameMessages({ header, body: answer.status === "success" ? (answer.body ?? "") : "" });
    let backoff = 100;
    const pending = new Set(messages.keys());
    while (Date.now() < deadline) {
      try {
        await Promise.all(
          [...pending].map(async (i) => {
            await this.sqs.send(new SendMessageCommand({ QueueUrl: replyTo, ...messages[i] }));
            pending.delete(i);
          }),
        );
        this.setConnected(true);
        return true;
      } catch (err) {
        if (isMissingQueue(err)) {
          this.events.debug?.(`Live Lambda: the reply queue of request ${id} is gone; keeping the answer for the stub's next ask`);
          return false;
        }
        this.setConnected(false, (err as Error)?.message ?? String(err));
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
    this.events.debug?.(`Live Lambda: could not answer request ${id} before its deadline`);
    return false;
  }

  private async deleteMessages(handles: string[]): Promise<void> {
    for (let i = 0; i < handles.length; i += 10) {
      const batch = handles.slice(i, i + 10);
      try {
        await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.requestUrl, Entries: batch.map((ReceiptHandle, j) => ({ Id: String(j), ReceiptHandle })) }));
      } catch (err) {
        // The messages come back after the visibility timeout and are recognized as answered.
        this.events.debug?.(`Live Lambda: could not delete ${batch.length} received message(s): ${(err as Error).message}`);
      }
    }
  }
}
