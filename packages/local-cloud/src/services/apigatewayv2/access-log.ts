/**
 * Stage access logs: a stage with AccessLogSettings gets one line per request in
 * the CloudWatch Logs group of its DestinationArn, formatted by substituting the
 * `$context.*` variables of its Format (SST's Api turns these on by default, and the
 * Console reads them). The lines are shipped by the LogShipper (kernel/log-shipper.ts), which
 * batches them; writing never delays or fails the request.
 */

export interface AccessLogVariables {
  [name: string]: string | number | undefined;
}

/** A format split into literal text (even indexes) and variable names (odd indexes), once per format. */
const compiled = new Map<string, string[]>();
const MAX_COMPILED = 1000;

function compile(format: string): string[] {
  let parts = compiled.get(format);
  if (!parts) {
    parts = format.split(/\$\{?context\.([A-Za-z0-9_.]+?)\}?(?=[^A-Za-z0-9_.]|$)/);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(format, parts);
  }
  return parts;
}

/**
 * Replaces `$context.a.b` (and `${context.a.b}`) with values; unknown variables become
 * "-", as on AWS. `vars` may be a function, so only the variables the format names are
 * computed.
 */
export function formatAccessLog(format: string, vars: AccessLogVariables | ((name: string) => string | number | undefined)): string {
  const parts = compile(format);
  const lookup = typeof vars === "function" ? vars : (name: string) => vars[name];
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const v = lookup(parts[i]!);
    out += (v === undefined || v === "" ? "-" : String(v)) + parts[i + 1]!;
  }
  return out;
}

const groups = new Map<string, string | undefined>();

export function logGroupOfArn(arn: string): string | undefined {
  let group = groups.get(arn);
  if (group === undefined && !groups.has(arn)) {
    group = /^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(arn)?.[1];
    if (groups.size >= MAX_COMPILED) groups.clear();
    groups.set(arn, group);
  }
  return group;
}
