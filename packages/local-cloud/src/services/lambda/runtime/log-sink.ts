/**
 * Where a function's log lines go: CloudWatch Logs (`cloud.logs`, group
 * `/aws/lambda/{name}`, one stream per execution environment), shipped in batches by
 * the LogShipper. The Console and `sst dev` follow invocations live through the
 * runtime's events; CloudWatch Logs is the record.
 */
import { LogShipper } from "../../../kernel/log-shipper.js";
import type { LambdaCloud } from "./cloud-deps.js";

/** One line of an invocation's log (two fields: under load thousands wait to be shipped at any time). */
export interface LogLine {
  timestamp: number;
  message: string;
}

export class LambdaLogSink {
  private readonly shipper: LogShipper;

  constructor(cloud: Pick<LambdaCloud, "logs">) {
    this.shipper = new LogShipper(() => cloud.logs, {
      createGroups: true,
      // Logging must never break an invocation; a lost batch is reported here.
      onError: (group, err: any) => process.emitWarning(`lambda logs for ${group} not written to CloudWatch: ${err?.message ?? err}`),
    });
  }

  write(functionName: string, logStreamName: string, lines: LogLine[]): void {
    if (lines.length) this.shipper.write(`/aws/lambda/${functionName}`, logStreamName, lines);
  }

  /** Resolves once every line so far is in CloudWatch Logs. */
  flush(): Promise<void> {
    return this.shipper.flush();
  }
}
