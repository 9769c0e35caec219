/**
 * Stage access logs: a stage with AccessLogSettings gets one line per request in
 * the CloudWatch Logs group of its DestinationArn, formatted by substituting the
 * `$context.*` variables of its Format (SST's Api turns these on by default, and the
 * Console reads them). Writing never delays or fails the request.
 */

export interface AccessLogVariables {
  [name: string]: string | number | undefined;
}

/** Replaces `$context.a.b` (and `${context.a.b}`) with values; unknown variables become "-", as on AWS. */
export function formatAccessLog(format: string, vars: AccessLogVariables): string {
  return format.replace(/\$\{?context\.([A-Za-z0-9_.]+?)\}?(?=[^A-Za-z0-9_.]|$)/g, (_m, name: string) => {
    const v = vars[name];
    return v === undefined || v === "" ? "-" : String(v);
  });
}

export function logGroupOfArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(arn)?.[1];
}

interface LogsLike {
  call(operation: string, input: any): Promise<any>;
}

/** Appends lines to log groups, creating the stream once; writes to one stream are chained to keep order. */
export class AccessLogWriter {
  private readonly ready = new Set<string>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly logs: () => LogsLike | undefined) {}

  write(group: string, stream: string, line: string, timestamp = Date.now()): void {
    const logs = this.logs();
    if (!logs) return;
    const key = `${group}\u0000${stream}`;
    const next = (this.chains.get(key) ?? Promise.resolve())
      .then(async () => {
        if (!this.ready.has(key)) {
          await logs.call("CreateLogStream", { logGroupName: group, logStreamName: stream }).catch((err: any) => {
            if (err?.code !== "ResourceAlreadyExistsException") throw err;
          });
          this.ready.add(key);
        }
        await logs.call("PutLogEvents", { logGroupName: group, logStreamName: stream, logEvents: [{ timestamp, message: line }] });
      })
      .catch(() => {
        // a missing log group is the template's business, as on AWS: the line is dropped
        this.ready.delete(key);
      });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }
}
