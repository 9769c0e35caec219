/**
 * The service's side of distributed Map states: map runs kept in SQLite (DescribeMapRun,
 * ListMapRuns, UpdateMapRun), items read from S3 for an ItemReader and results written
 * to S3 for a ResultWriter — both as the state machine's role, so IAM decides as it
 * would on AWS. A read that fails is `States.ItemReaderFailed`, a write
 * `States.ResultWriterFailed`, each with S3's answer as the cause.
 */
import { randomUUID } from "node:crypto";
import { parse as parseCsv } from "csv-parse/sync";
import { AwsError } from "../../server/aws-error.js";
import type { Principal } from "../../types.js";
import { bodyToBuffer } from "../../kernel/body-bytes.js";
import type { ChildResult, DistributedMapHost, MapRunCounts } from "./asl/distributed-map.js";
import { StatesError } from "./asl/errors.js";
import type { MapRunRow, StepFunctionsStore } from "./store.js";

const seconds = (ms: number) => ms / 1000;
const DELIMITERS: Record<string, string> = { COMMA: ",", PIPE: "|", SEMICOLON: ";", SPACE: " ", TAB: "\t" };

export interface MapRunDeps {
  call(client: string, operation: string, input: any, principal: Principal): Promise<any>;
  principalFor(roleArn: string): Principal;
}

/** `arn:…:mapRun:<machine>/<label>:<id>` → `arn:…:stateMachine:<machine>/<label>` (the map run's own state machine). */
const mapRunMachineArn = (arn: string) => arn.replace(":mapRun:", ":stateMachine:").replace(/:[^:]+$/, "");

export class MapRuns {
  constructor(private readonly store: StepFunctionsStore, private readonly deps: MapRunDeps) {}

  /** The host a distributed Map of an execution running as `roleArn` uses. */
  hostFor(roleArn: string): DistributedMapHost {
    const principal = () => this.deps.principalFor(roleArn);
    const s3 = async (operation: string, input: Record<string, unknown>, failure: string) => {
      try {
        return await this.deps.call("s3", operation, input, principal());
      } catch (err: any) {
        throw new StatesError(failure, `${err?.code ?? err?.name ?? "S3Exception"}: ${err?.message ?? err} (Service: S3, Status Code: ${err?.status ?? 400})`);
      }
    };
    return {
      readItems: async (reader) => {
        const max = reader.ReaderConfig?.MaxItems !== undefined ? Number(reader.ReaderConfig.MaxItems) : Infinity;
        const items = await this.readItems(reader, s3);
        return items.length > max ? items.slice(0, max) : items;
      },
      startMapRun: (config) => {
        const id = randomUUID();
        const [, , , region, account] = config.executionArn.split(":");
        const machineName = config.machineArn.split(":")[6];
        const arn = `arn:aws:states:${region}:${account}:mapRun:${machineName}/${config.label}:${id}`;
        const counts: MapRunCounts = { pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0 };
        // An EXPRESS execution's map runs are not kept (its executions are not either).
        if (this.store.execution(config.executionArn)) {
          this.store.insertMapRun({
            arn, execution_arn: config.executionArn, status: "RUNNING", started: Date.now(), stopped: null, max_concurrency: config.maxConcurrency,
            tolerated_percentage: config.toleratedFailurePercentage, tolerated_count: config.toleratedFailureCount, counts: JSON.stringify(counts),
          });
        }
        return { mapRunArn: arn, childArn: (name) => `arn:aws:states:${region}:${account}:execution:${machineName}/${config.label}:${name}` };
      },
      updateMapRun: (arn, counts) => this.store.updateMapRun({ arn, status: "RUNNING", stopped: null, counts: JSON.stringify(counts) }),
      finishMapRun: (arn, status, counts) => this.store.updateMapRun({ arn, status, stopped: Date.now(), counts: JSON.stringify(counts) }),
      writeResults: (writer, mapRunArn, results) => this.writeResults(writer, mapRunArn, results, s3),
    };
  }

  private async readItems(reader: { Resource: string; ReaderConfig?: Record<string, any>; Parameters: Record<string, any> }, s3: (op: string, input: Record<string, unknown>, failure: string) => Promise<any>): Promise<unknown[]> {
    const failed = (cause: string) => new StatesError("States.ItemReaderFailed", cause);
    const { Bucket, Key, Prefix } = reader.Parameters;
    if (/:s3:listObjectsV2$/.test(reader.Resource)) {
      const items: unknown[] = [];
      let token: string | undefined;
      do {
        const page = await s3("ListObjectsV2", { Bucket, Prefix, ContinuationToken: token }, "States.ItemReaderFailed");
        for (const o of page.Contents ?? []) {
          items.push({ Etag: o.ETag, Key: o.Key, LastModified: Math.floor(new Date(o.LastModified).getTime() / 1000), Size: o.Size, StorageClass: o.StorageClass ?? "STANDARD" });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return items;
    }
    if (!/:s3:getObject$/.test(reader.Resource)) throw failed(`The ItemReader resource ${reader.Resource} is not supported: use arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2`);
    const text = (await bodyToBuffer((await s3("GetObject", { Bucket, Key }, "States.ItemReaderFailed")).Body)).toString("utf8");
    const type = reader.ReaderConfig?.InputType ?? "JSON";
    try {
      if (type === "JSON") {
        const doc = JSON.parse(text);
        if (!Array.isArray(doc)) throw new Error("the object does not hold a JSON array");
        return doc;
      }
      if (type === "JSONL") return text.split(/\r?\n/).filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
      if (type === "CSV") {
        const given = reader.ReaderConfig?.CSVHeaderLocation === "GIVEN";
        const headers: string[] | undefined = given ? reader.ReaderConfig?.CSVHeaders : undefined;
        if (given && !Array.isArray(headers)) throw new Error("CSVHeaderLocation GIVEN needs CSVHeaders");
        return parseCsv(text, { columns: headers ?? true, delimiter: DELIMITERS[reader.ReaderConfig?.CSVDelimiter ?? "COMMA"] ?? ",", skip_empty_lines: true, relax_column_count: true, bom: true });
      }
    } catch (err) {
      throw failed(`The object s3://${Bucket}/${Key} could not be read as ${type}: ${(err as Error).message}`);
    }
    throw failed(`The ItemReader InputType ${type} is not supported by the local cloud (JSON, JSONL and CSV are)`);
  }

  private async writeResults(writer: { Resource: string; Parameters: Record<string, any> }, mapRunArn: string, results: ChildResult[], s3: (op: string, input: Record<string, unknown>, failure: string) => Promise<any>) {
    if (!/:s3:putObject$/.test(writer.Resource)) throw new StatesError("States.ResultWriterFailed", `The ResultWriter resource ${writer.Resource} is not supported: use arn:aws:states:::s3:putObject`);
    const { Bucket, Prefix = "" } = writer.Parameters;
    const id = mapRunArn.split(":").at(-1)!;
    const base = `${Prefix ? `${String(Prefix).replace(/\/$/, "")}/` : ""}${id}/`;
    const machineArn = mapRunMachineArn(mapRunArn);
    const entry = (r: ChildResult) => ({
      ExecutionArn: `${machineArn.replace(":stateMachine:", ":execution:")}:${r.name}`, Input: JSON.stringify(r.input ?? null), InputDetails: { Included: true }, Name: r.name,
      ...(r.status === "SUCCEEDED" ? { Output: JSON.stringify(r.output ?? null), OutputDetails: { Included: true } } : { Error: r.error, Cause: r.cause }),
      RedriveCount: 0, RedriveStatus: "NOT_REDRIVABLE", RedriveStatusReason: `Execution is ${r.status} and cannot be redriven`,
      StartDate: new Date(r.startDate).toISOString(), StateMachineArn: machineArn, Status: r.status, StopDate: new Date(r.stopDate).toISOString(),
    });
    const files: Record<string, { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
    for (const status of ["SUCCEEDED", "FAILED"] as const) {
      const chosen = results.filter((r) => r.status === status);
      if (!chosen.length) continue;
      const body = JSON.stringify(chosen.map(entry));
      const key = `${base}${status}_0.json`;
      await s3("PutObject", { Bucket, Key: key, Body: Buffer.from(body), ContentType: "application/json" }, "States.ResultWriterFailed");
      files[status]!.push({ Key: key, Size: Buffer.byteLength(body) });
    }
    const manifest = `${base}manifest.json`;
    await s3("PutObject", { Bucket, Key: manifest, Body: Buffer.from(JSON.stringify({ DestinationBucket: Bucket, MapRunArn: mapRunArn, ResultFiles: files })), ContentType: "application/json" }, "States.ResultWriterFailed");
    return { Bucket: String(Bucket), Key: manifest };
  }

  private row(arn: string): MapRunRow {
    const row = this.store.mapRun(arn);
    if (!row) throw new AwsError("ResourceNotFound", `Resource not found: '${arn}'`);
    return row;
  }

  describe(arn: string) {
    const r = this.row(arn);
    const counts = JSON.parse(r.counts) as MapRunCounts;
    return {
      mapRunArn: r.arn, executionArn: r.execution_arn, status: r.status, startDate: seconds(r.started), ...(r.stopped ? { stopDate: seconds(r.stopped) } : {}),
      maxConcurrency: r.max_concurrency, toleratedFailurePercentage: r.tolerated_percentage, toleratedFailureCount: r.tolerated_count,
      itemCounts: counts, executionCounts: counts, redriveCount: 0,
    };
  }

  list(executionArn: string) {
    return this.store.mapRuns(executionArn).map((r) => ({
      executionArn: r.execution_arn, mapRunArn: r.arn, stateMachineArn: mapRunMachineArn(r.arn), startDate: seconds(r.started), ...(r.stopped ? { stopDate: seconds(r.stopped) } : {}),
    }));
  }

  /** UpdateMapRun: the new settings are kept and described; the local run goes on with the ones it started with. */
  update(i: { mapRunArn: string; maxConcurrency?: number; toleratedFailurePercentage?: number; toleratedFailureCount?: number }) {
    if (i.maxConcurrency === undefined && i.toleratedFailurePercentage === undefined && i.toleratedFailureCount === undefined) {
      throw new AwsError("InvalidParameterException", "Either maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be specified");
    }
    const r = this.row(i.mapRunArn);
    this.store.configureMapRun({
      arn: r.arn, max_concurrency: i.maxConcurrency ?? r.max_concurrency,
      tolerated_percentage: i.toleratedFailurePercentage ?? r.tolerated_percentage, tolerated_count: i.toleratedFailureCount ?? r.tolerated_count,
    });
    return {};
  }
}
