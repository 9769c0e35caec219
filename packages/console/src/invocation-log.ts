/**
 * The live log of the Functions view: follows the Lambda runtime's events
 * ("lambda:start" / "lambda:log" / "lambda:end"), groups them per invocation, keeps the
 * last few hundred for a page load, and streams every change to Server-Sent Event
 * subscribers as it happens.
 */
import type { EventEmitter } from "node:events";
import { PassThrough, type Readable } from "node:stream";

export interface Invocation {
  requestId: string;
  functionName: string;
  startedAt: number;
  status: "running" | "success" | "error" | "timeout" | string;
  durationMs?: number;
  error?: { errorType?: string; errorMessage?: string; stack?: string[] | string };
  lines: { at: number; message: string }[];
}

/** Each SSE message: the invocation's new state (the page replaces what it had by requestId). */
type Listener = (inv: Invocation) => void;

/** Log lines kept per invocation: a chatty function must not grow memory without bound. */
const MAX_LINES = 200;
const HEARTBEAT_MS = 15_000;

export class InvocationLog {
  /** The kept invocations, oldest first (Maps iterate in insertion order). */
  private readonly byId = new Map<string, Invocation>();
  /** Their ids in arrival order, a ring of `size`: `next` is where the next one goes, over the oldest. */
  private readonly ring: (string | undefined)[] = [];
  private next = 0;
  private readonly listeners = new Set<Listener>();
  /** Open SSE streams, ended on close so the server can shut down at once. */
  private readonly streams = new Set<() => void>();
  private readonly detach: () => void;

  constructor(
    events: EventEmitter,
    private readonly size = 300,
  ) {
    // Called for every invocation and each of its lines: no closure or iterator per call.
    const onStart = (e: any) => {
      const inv = this.invocationOf(e);
      if (inv) this.changed(inv);
    };
    const onLog = (e: any) => {
      const inv = this.invocationOf(e);
      if (!inv) return;
      if (inv.lines.length < MAX_LINES) inv.lines.push({ at: Date.now(), message: String(e.line ?? "") });
      else if (inv.lines.length === MAX_LINES) inv.lines.push({ at: Date.now(), message: "… (more lines not kept by the Console)" });
      this.changed(inv);
    };
    const onEnd = (e: any) => {
      const inv = this.invocationOf(e);
      if (!inv) return;
      inv.status = typeof e.status === "string" ? e.status : "success";
      if (typeof e.durationMs === "number") inv.durationMs = e.durationMs;
      if (e.error) inv.error = e.error;
      this.changed(inv);
    };
    events.on("lambda:start", onStart);
    events.on("lambda:log", onLog);
    events.on("lambda:end", onEnd);
    this.detach = () => {
      events.off("lambda:start", onStart);
      events.off("lambda:log", onLog);
      events.off("lambda:end", onEnd);
    };
  }

  /** Oldest first. */
  recent(functionName?: string): Invocation[] {
    const all = [...this.byId.values()];
    return functionName ? all.filter((i) => i.functionName === functionName) : all;
  }

  /** An SSE stream: the recent history first, then every change. Ends when the client goes away. */
  stream(): Readable {
    const out = new PassThrough();
    const send = (event: string, data: unknown) => out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // The browser reconnects by itself after 2 s if the dev process restarts.
    out.write("retry: 2000\n\n");
    send("history", this.recent());
    const listener: Listener = (inv) => send("invocation", inv);
    this.listeners.add(listener);
    // A comment line now and then lets us notice a client that left: once the response
    // closes, the pipe is undone and the stream stops flowing.
    const heartbeat = setInterval(() => {
      if (out.destroyed || out.readableFlowing === false || out.writableNeedDrain) close();
      else out.write(": keep-alive\n\n");
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const close = () => {
      clearInterval(heartbeat);
      this.listeners.delete(listener);
      this.streams.delete(close);
      if (!out.destroyed) out.end();
    };
    this.streams.add(close);
    out.on("close", close);
    return out;
  }

  close(): void {
    this.detach();
    for (const close of [...this.streams]) close();
    this.listeners.clear();
  }

  /** The invocation an event is about (kept from its first event on); undefined for a malformed event. */
  private invocationOf(e: any): Invocation | undefined {
    if (!e || typeof e.requestId !== "string") return undefined;
    let inv = this.byId.get(e.requestId);
    if (!inv) {
      inv = { requestId: e.requestId, functionName: String(e.functionName ?? ""), startedAt: Date.now(), status: "running", lines: [] };
      this.byId.set(e.requestId, inv);
      // The oldest goes: the ring holds the ids in arrival order. (Not the Map's first key:
      // an iterator from the start steps over every entry deleted since the last rehash.)
      const oldest = this.ring[this.next];
      if (oldest !== undefined) this.byId.delete(oldest);
      this.ring[this.next] = e.requestId;
      this.next = (this.next + 1) % this.size;
    }
    return inv;
  }

  private changed(inv: Invocation): void {
    if (this.listeners.size === 0) return;
    for (const l of this.listeners) l(inv);
  }
}
