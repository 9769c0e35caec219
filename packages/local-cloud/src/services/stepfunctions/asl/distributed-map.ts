/**
 * A distributed Map state (`ItemProcessor.ProcessorConfig.Mode: "DISTRIBUTED"`, or one
 * with an ItemReader, ItemBatcher or ResultWriter): its items come from the input or
 * from S3 (ItemReader: a JSON array, JSON Lines, CSV, or a bucket listing), are grouped
 * into batches when asked (ItemBatcher), and each item or batch runs as a child
 * workflow — with a history of its own, not in the parent's — as part of a map run
 * (DescribeMapRun / ListMapRuns). Failures up to ToleratedFailureCount /
 * ToleratedFailurePercentage are tolerated; past them the state fails with
 * States.ExceedToleratedFailureThreshold. With a ResultWriter the results go to S3 and
 * the state's result names them; without, it is the array of child outputs.
 *
 * S3 is reached through a host (the service: as the machine's role, IAM enforced).
 */
import { read } from "./json-path.js";
import { applyTemplate } from "./payload.js";
import { runtimeError, StatesError } from "./errors.js";
import type { StateDef } from "./definition.js";

export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
}

/** One child workflow's end, as ResultWriter's files list it. */
export interface ChildResult {
  name: string;
  input: unknown;
  startDate: number;
  stopDate: number;
  status: "SUCCEEDED" | "FAILED";
  output?: unknown;
  error?: string;
  cause?: string;
}

export interface MapRunConfig {
  executionArn: string;
  machineArn: string;
  /** The Map's Label, else its state name. */
  label: string;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
}

/** What a distributed Map needs from the service around the interpreter. */
export interface DistributedMapHost {
  /** The items an ItemReader names (its Parameters resolved), read as the machine's role. */
  readItems(reader: { Resource: string; ReaderConfig?: Record<string, any>; Parameters: Record<string, any> }, signal: AbortSignal): Promise<unknown[]>;
  startMapRun(config: MapRunConfig): { mapRunArn: string; childArn(name: string): string };
  updateMapRun(mapRunArn: string, counts: MapRunCounts): void;
  finishMapRun(mapRunArn: string, status: "SUCCEEDED" | "FAILED" | "ABORTED", counts: MapRunCounts, failure?: { error: string; cause: string }): void;
  /** Writes the results under the writer's Bucket/Prefix; answers the manifest's place. */
  writeResults(writer: { Resource: string; Parameters: Record<string, any> }, mapRunArn: string, results: ChildResult[], signal: AbortSignal): Promise<{ Bucket: string; Key: string }>;
}

/** Whether a Map state runs distributed. */
export function isDistributed(state: StateDef): boolean {
  const processor = state.ItemProcessor ?? state.Iterator;
  return processor?.ProcessorConfig?.Mode === "DISTRIBUTED" || !!state.ItemReader || !!state.ItemBatcher || !!state.ResultWriter;
}

/** A number field or its `…Path` twin (read from the effective input). */
function numberField(state: StateDef, field: string, effective: unknown, fallback: number): number {
  if (state[`${field}Path`] !== undefined) {
    const v = read(effective, state[`${field}Path`]);
    if (typeof v !== "number" || v < 0) throw runtimeError(`The ${field}Path field does not reference a valid non-negative number: ${JSON.stringify(v)}`);
    return v;
  }
  return state[field] !== undefined ? Number(state[field]) : fallback;
}

/** The items of the Map: from its ItemReader, else from ItemsPath (an array). */
export async function mapItems(state: StateDef, effective: unknown, context: unknown, host: DistributedMapHost, signal: AbortSignal): Promise<unknown[]> {
  if (!state.ItemReader) {
    const items = state.ItemsPath !== undefined ? read(effective, state.ItemsPath) : effective;
    if (!Array.isArray(items)) throw runtimeError(`Map state input must be an array: ${JSON.stringify(items)}`);
    return items;
  }
  const reader = state.ItemReader as Record<string, any>;
  const parameters = applyTemplate(reader.Parameters ?? {}, effective, context) as Record<string, any>;
  const config = { ...(reader.ReaderConfig ?? {}) };
  if (config.MaxItemsPath !== undefined) config.MaxItems = read(effective, config.MaxItemsPath);
  return host.readItems({ Resource: reader.Resource, ReaderConfig: config, Parameters: parameters }, signal);
}

/** Groups the iteration inputs into batches: `{ Items, BatchInput? }` each, by count and by JSON size. */
export function batches(inputs: unknown[], batcher: Record<string, any>, effective: unknown, context: unknown): unknown[] {
  const maxItems = batcher.MaxItemsPerBatchPath !== undefined ? Number(read(effective, batcher.MaxItemsPerBatchPath)) : Number(batcher.MaxItemsPerBatch ?? 0);
  const maxBytes = batcher.MaxInputBytesPerBatchPath !== undefined ? Number(read(effective, batcher.MaxInputBytesPerBatchPath)) : Number(batcher.MaxInputBytesPerBatch ?? 262_144);
  const batchInput = batcher.BatchInput !== undefined ? applyTemplate(batcher.BatchInput, effective, context) : undefined;
  const out: unknown[] = [];
  let items: unknown[] = [];
  let bytes = 0;
  const close = () => {
    if (items.length) out.push(batchInput !== undefined ? { BatchInput: batchInput, Items: items } : { Items: items });
    items = [];
    bytes = 0;
  };
  for (const input of inputs) {
    const size = Buffer.byteLength(JSON.stringify(input ?? null));
    if (items.length && ((maxItems > 0 && items.length >= maxItems) || bytes + size > maxBytes)) close();
    items.push(input);
    bytes += size;
  }
  close();
  return out;
}

/** Whether the failures so far pass the Map's tolerance (none tolerated unless it says so). */
export function exceedsTolerance(failed: number, total: number, toleratedCount: number, toleratedPercentage: number): boolean {
  if (failed === 0) return false;
  return failed > toleratedCount && (total === 0 || (failed / total) * 100 > toleratedPercentage);
}

/** Runs a distributed Map; `runChild` runs one child workflow's states to their end. */
export async function runDistributedMap(
  stateName: string, state: StateDef, effective: unknown, context: { Execution: { Id: string }; StateMachine: { Id: string } } & Record<string, any>,
  signal: AbortSignal, host: DistributedMapHost,
  record: (type: string, key?: string, details?: Record<string, unknown>) => void,
  runChild: (input: unknown, childContext: Record<string, any>, signal: AbortSignal) => Promise<unknown>,
): Promise<unknown> {
  const items = await mapItems(state, effective, context, host, signal);
  const selector = state.ItemSelector ?? state.Parameters;
  const selected = items.map((value, index) => (selector !== undefined ? applyTemplate(selector, effective, { ...context, Map: { Item: { Index: index, Value: value } } }) : value));
  const inputs = state.ItemBatcher ? batches(selected, state.ItemBatcher, effective, context) : selected;
  const maxConcurrency = numberField(state, "MaxConcurrency", effective, 0);
  const toleratedFailureCount = numberField(state, "ToleratedFailureCount", effective, 0);
  const toleratedFailurePercentage = numberField(state, "ToleratedFailurePercentage", effective, 0);
  const run = host.startMapRun({
    executionArn: context.Execution.Id, machineArn: context.StateMachine.Id, label: String(state.Label ?? stateName),
    maxConcurrency, toleratedFailureCount, toleratedFailurePercentage,
  });
  record("MapStateStarted", "mapStateStartedEventDetails", { length: inputs.length });
  record("MapRunStarted", "mapRunStartedEventDetails", { mapRunArn: run.mapRunArn });
  const counts: MapRunCounts = { pending: inputs.length, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: inputs.length, resultsWritten: 0 };
  const results: ChildResult[] = new Array(inputs.length);
  const outputs = new Array<unknown>(inputs.length);
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length && !both.aborted) {
      const index = next++;
      const name = `${index}-${Math.random().toString(16).slice(2, 10)}`;
      const childContext = { ...context, Execution: { ...context.Execution, Id: run.childArn(name), Name: name, Input: inputs[index] }, Map: undefined };
      counts.pending--, counts.running++;
      const startDate = Date.now();
      try {
        outputs[index] = await runChild(inputs[index], childContext, both);
        results[index] = { name, input: inputs[index], startDate, stopDate: Date.now(), status: "SUCCEEDED", output: outputs[index] };
        counts.running--, counts.succeeded++;
      } catch (err) {
        if (both.aborted) {
          counts.running--, counts.aborted++;
          return;
        }
        const e = err instanceof StatesError ? err : new StatesError("States.Runtime", (err as Error)?.message ?? String(err));
        results[index] = { name, input: inputs[index], startDate, stopDate: Date.now(), status: "FAILED", error: e.error, cause: e.cause };
        counts.running--, counts.failed++;
        if (exceedsTolerance(counts.failed, counts.total, toleratedFailureCount, toleratedFailurePercentage)) stop.abort();
      }
      host.updateMapRun(run.mapRunArn, counts);
    }
  };
  const workers = Math.max(1, Math.min(maxConcurrency > 0 ? maxConcurrency : inputs.length, inputs.length));
  await Promise.all(Array.from({ length: inputs.length ? workers : 0 }, worker));
  if (signal.aborted) {
    host.finishMapRun(run.mapRunArn, "ABORTED", counts);
    throw signal.reason;
  }
  if (exceedsTolerance(counts.failed, counts.total, toleratedFailureCount, toleratedFailurePercentage)) {
    const failure = { error: "States.ExceedToleratedFailureThreshold", cause: "The specified tolerated failure threshold was exceeded" };
    counts.aborted += counts.pending;
    counts.pending = 0;
    host.finishMapRun(run.mapRunArn, "FAILED", counts, failure);
    record("MapRunFailed", "mapRunFailedEventDetails", failure);
    record("MapStateFailed");
    throw new StatesError(failure.error, failure.cause);
  }
  let result: unknown = outputs;
  if (state.ResultWriter) {
    const writer = state.ResultWriter as Record<string, any>;
    const parameters = applyTemplate(writer.Parameters ?? {}, effective, context) as Record<string, any>;
    const details = await host.writeResults({ Resource: writer.Resource, Parameters: parameters }, run.mapRunArn, results.filter(Boolean), signal);
    counts.resultsWritten = results.filter(Boolean).length;
    result = { MapRunArn: run.mapRunArn, ResultWriterDetails: details };
  }
  host.finishMapRun(run.mapRunArn, "SUCCEEDED", counts);
  record("MapRunSucceeded");
  record("MapStateSucceeded");
  return result;
}
