/**
 * Lambda's tumbling windows for stream event source mappings (TumblingWindowInSeconds):
 * every record belongs to the window its arrival time falls in — windows are aligned
 * to multiples of their length since the epoch — and each shard carries one state
 * object from an invocation to the next within a window. The function must answer with
 * a `state` (else the invocation failed); when the window is over, Lambda calls it once
 * more with no records and `isFinalInvokeForWindow`, and the state is dropped. A state
 * larger than 1 MB ends its window early (`isWindowTerminatedEarly`); the window then
 * goes on with a fresh state.
 */

/** The largest state Lambda carries between invocations of one shard. */
export const MAX_WINDOW_STATE_BYTES = 1024 * 1024;

export interface TumblingWindow {
  /** Epoch milliseconds. */
  startMs: number;
  endMs: number;
}

/** A shard's open window and the state the function returned last. */
export interface OpenWindow extends TumblingWindow {
  state: Record<string, unknown>;
}

export function windowOf(arrival: Date, seconds: number): TumblingWindow {
  const lengthMs = seconds * 1000;
  const startMs = Math.floor(arrival.getTime() / lengthMs) * lengthMs;
  return { startMs, endMs: startMs + lengthMs };
}

/** How many records at the head of `records` fall in `window`. */
export function countInWindow(records: any[], window: TumblingWindow, arrivalOf: (r: any) => Date): number {
  let n = 0;
  while (n < records.length && arrivalOf(records[n]).getTime() < window.endMs && arrivalOf(records[n]).getTime() >= window.startMs) n++;
  return n;
}

/** The event a windowed mapping's function receives. */
export function windowEvent(
  records: any[],
  window: TumblingWindow,
  state: Record<string, unknown>,
  shardId: string,
  eventSourceArn: string,
  flags: { final: boolean; terminatedEarly: boolean },
) {
  return {
    Records: records,
    window: { start: isoSeconds(window.startMs), end: isoSeconds(window.endMs) },
    state,
    shardId,
    eventSourceARN: eventSourceArn,
    isFinalInvokeForWindow: flags.final,
    isWindowTerminatedEarly: flags.terminatedEarly,
  };
}

/**
 * The `state` of a windowed function's answer, or undefined when there is none — which
 * Lambda counts as a failed invocation. A state that is not an object is refused alike.
 */
export function stateOfResponse(payload: Buffer): Record<string, unknown> | undefined {
  let response: any;
  try {
    response = JSON.parse(payload.toString() || "null");
  } catch {
    return undefined;
  }
  const state = response?.state;
  if (state === null || typeof state !== "object" || Array.isArray(state)) return undefined;
  return state;
}

export function stateTooLarge(state: Record<string, unknown>): boolean {
  return Buffer.byteLength(JSON.stringify(state)) > MAX_WINDOW_STATE_BYTES;
}

/** `2020-07-30T17:00:00Z`: Lambda's window bounds carry no milliseconds. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
