/// <reference lib="dom" />
/**
 * The page's copy of the invocation log: filled from the Server-Sent Events stream
 * (history on connect, then every change), shared by the views that show it.
 */
import { BASE } from "./api.js";

export interface Invocation {
  requestId: string;
  functionName: string;
  startedAt: number;
  status: string;
  durationMs?: number;
  error?: { errorType?: string; errorMessage?: string; stack?: string[] | string };
  lines: { at: number; message: string }[];
}

type Listener = () => void;

class LiveLog {
  readonly byId = new Map<string, Invocation>();
  connected = false;
  private listeners = new Set<Listener>();
  private source?: EventSource;

  connect(): void {
    if (this.source) return;
    const source = new EventSource(BASE + "api/events");
    this.source = source;
    source.addEventListener("open", () => this.set(true));
    source.addEventListener("error", () => this.set(false));
    source.addEventListener("history", (e) => {
      // A reconnect sends the whole history again: start over from it.
      this.byId.clear();
      for (const inv of JSON.parse((e as MessageEvent).data) as Invocation[]) this.byId.set(inv.requestId, inv);
      this.emit();
    });
    source.addEventListener("invocation", (e) => {
      const inv = JSON.parse((e as MessageEvent).data) as Invocation;
      this.byId.set(inv.requestId, inv);
      this.emit();
    });
  }

  /** Newest first. */
  list(functionName?: string): Invocation[] {
    const all = [...this.byId.values()].reverse();
    return functionName ? all.filter((i) => i.functionName === functionName) : all;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(connected: boolean) {
    this.connected = connected;
    this.emit();
  }

  private emit() {
    for (const l of this.listeners) l();
  }
}

export const liveLog = new LiveLog();
