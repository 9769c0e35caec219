/**
 * Execution logs to CloudWatch Logs, as a state machine's `loggingConfiguration` asks:
 * each history event the level admits (ALL: every one; ERROR: the failures; FATAL: the
 * execution's own end when it did not succeed) becomes one JSON log event in a stream of
 * its own per execution (`states/<machine>/<yyyy-mm-dd-hh-mm>/<id>`), with its input
 * and output only when `includeExecutionData` is true. The log group must exist (as on
 * AWS, where the state machine's role or the deployer creates it); lines for a missing
 * group are dropped and said once.
 */
import { randomBytes } from "node:crypto";
import { LogShipper, type LogsClient } from "../../kernel/log-shipper.js";

export interface LoggingConfiguration {
  level?: "ALL" | "ERROR" | "FATAL" | "OFF";
  includeExecutionData?: boolean;
  destinations?: { cloudWatchLogsLogGroup?: { logGroupArn?: string } }[];
}

/** One history event as the interpreter records it. */
export type EventSink = (type: string, detailsKey?: string, details?: Record<string, unknown>) => void;

const FATAL_EVENTS = new Set(["ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"]);
const EXECUTION_DATA = ["input", "inputDetails", "output", "outputDetails", "parameters"];

/** Whether a level admits an event type. */
export function levelAdmits(level: LoggingConfiguration["level"], type: string): boolean {
  if (level === "ALL") return true;
  if (level === "FATAL") return FATAL_EVENTS.has(type);
  if (level === "ERROR") return FATAL_EVENTS.has(type) || /(Failed|TimedOut|Aborted)$/.test(type);
  return false;
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>:*` → `<name>`. */
export function logGroupName(arn: string | undefined): string | undefined {
  const m = /^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(arn ?? "");
  return m?.[1];
}

export class ExecutionLogs {
  private readonly shipper: LogShipper;
  private readonly warned = new Set<string>();

  constructor(logs: () => LogsClient | undefined) {
    this.shipper = new LogShipper(logs, {
      createGroups: false,
      onError: (group, err: any) => {
        if (this.warned.has(group)) return;
        this.warned.add(group);
        process.emitWarning(`Step Functions execution logs for ${group} not written to CloudWatch: ${err?.message ?? err}`);
      },
    });
  }

  /** A sink that logs an execution's events as `configuration` asks, or undefined when it asks for none. */
  sink(configuration: LoggingConfiguration, machineName: string, executionArn: string, redriveCount = 0): EventSink | undefined {
    const level = configuration.level ?? "OFF";
    const group = logGroupName(configuration.destinations?.[0]?.cloudWatchLogsLogGroup?.logGroupArn);
    if (level === "OFF" || !group) return undefined;
    const stream = `states/${machineName}/${new Date().toISOString().slice(0, 16).replace(/[T:]/g, "-")}/${randomBytes(4).toString("hex")}`;
    const withData = configuration.includeExecutionData === true;
    let id = 0;
    return (type, detailsKey, details) => {
      id++;
      if (!levelAdmits(level, type)) return;
      const shown = { ...(detailsKey && details ? details : {}) };
      if (!withData) for (const key of EXECUTION_DATA) delete shown[key];
      const timestamp = Date.now();
      const message = JSON.stringify({
        id: String(id), type, details: shown, previous_event_id: String(id - 1), event_timestamp: String(timestamp),
        execution_arn: executionArn, redrive_count: String(redriveCount),
      });
      this.shipper.write(group, stream, [{ timestamp, message }]);
    };
  }

  /** Resolves once every event so far is in CloudWatch Logs. */
  flush(): Promise<void> {
    return this.shipper.flush();
  }
}
