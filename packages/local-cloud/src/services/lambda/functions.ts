/**
 * Function lifecycle: create, read, list, update (configuration / code), delete,
 * published versions, aliases and tags. Resolving a FunctionName (+ qualifier) to a
 * stored version lives here too, since every other operation needs it.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { AwsError } from "../../server/aws-error.js";
import type { LambdaCloud } from "./runtime/cloud-deps.js";
import type { FunctionDefinition, LambdaRuntime } from "./runtime/runtime.js";
import { fenceModuleScope, fetchZip, installZip, type CodeInput } from "./code.js";
import { conflict, functionNotFound, invalidParameter } from "./errors.js";
import type { AliasConfiguration, FunctionConfiguration, StoredFunction } from "./model.js";
import { functionArn, isVersionNumber, parseFunctionRef, validationError } from "./names.js";
import type { LambdaStore } from "./store.js";
import { checkEnvironment, checkHandler, checkRange, checkRole, checkRuntime } from "./validate.js";

export interface ResolvedFunction {
  stored: StoredFunction;
  /** The qualifier the caller used ("$LATEST" when none). */
  qualifier: string;
  /** The ARN as the caller addressed it. */
  invokedArn: string;
}

/** Lambda's timestamp format: "2024-01-01T00:00:00.000+0000". */
export function lambdaTimestamp(d = new Date()): string {
  return d.toISOString().replace("Z", "+0000");
}

/** What an invocation needs of a function, resolved once per change of the store. */
export interface InvocationTarget {
  resolved: ResolvedFunction;
  definition: FunctionDefinition;
}

/** Names callers use are few; a bound keeps a caller cycling through many from growing the cache. */
const MAX_CACHED_TARGETS = 1000;

export class FunctionOperations {
  private readonly targets = new Map<string, InvocationTarget>();
  private targetsGeneration = -1;
  private reservedSum?: number;

  constructor(
    private readonly cloud: LambdaCloud,
    private readonly store: LambdaStore,
    private readonly runtime: LambdaRuntime,
  ) {
    // Code unpacked by an earlier run is fenced too, not only code installed from now on.
    fenceModuleScope(this.codeRoot());
  }

  private arn(name: string, qualifier?: string): string {
    return functionArn(this.cloud.region, this.cloud.accountId, name, qualifier);
  }

  /** Finds the stored version a FunctionName (+ Qualifier) names; aliases resolve to their version. */
  resolve(functionName: unknown, qualifierParam?: unknown): ResolvedFunction {
    const ref = parseFunctionRef(functionName, qualifierParam);
    const qualifier = ref.qualifier ?? "$LATEST";
    const notFound = () => functionNotFound(this.arn(ref.name, ref.qualifier));
    let version = qualifier;
    if (qualifier !== "$LATEST" && !isVersionNumber(qualifier)) {
      const alias = this.store.getAlias(ref.name, qualifier);
      if (!alias) throw notFound();
      version = alias.FunctionVersion;
    }
    const stored = this.store.getFunction(ref.name, version);
    if (!stored) throw notFound();
    return { stored, qualifier, invokedArn: this.arn(ref.name, ref.qualifier) };
  }

  /**
   * `resolve` and `definition` for an invocation, cached until the next change to any
   * function or alias: the invoke path must not read and parse SQLite rows per call.
   * Errors (function not found …) are not cached.
   */
  invocationTarget(functionName: unknown, qualifier?: unknown): InvocationTarget {
    this.syncCaches();
    const key = typeof functionName === "string" && (qualifier === undefined || typeof qualifier === "string") ? `${functionName}\u0000${qualifier ?? ""}` : undefined;
    const hit = key === undefined ? undefined : this.targets.get(key);
    if (hit) return hit;
    const resolved = this.resolve(functionName, qualifier);
    const target = { resolved, definition: this.definition(resolved.stored) };
    if (key !== undefined) {
      if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
      this.targets.set(key, target);
    }
    return target;
  }

  /** The sum of every function's reserved concurrency (for the account's unreserved share). */
  reservedConcurrencyTotal(): number {
    this.syncCaches();
    return (this.reservedSum ??= this.store.listLatest().reduce((n, f) => n + (f.reservedConcurrency ?? 0), 0));
  }

  private syncCaches(): void {
    if (this.targetsGeneration === this.store.generation) return;
    this.targets.clear();
    this.reservedSum = undefined;
    this.targetsGeneration = this.store.generation;
  }

  /** Reserved concurrency of a function (set on $LATEST, applies to every version). */
  reservedConcurrency(name: string): number | undefined {
    return this.store.getFunction(name)?.reservedConcurrency;
  }

  /** What the runtime needs to run a stored version. */
  definition(stored: StoredFunction): FunctionDefinition {
    const c = stored.config;
    return {
      functionName: c.FunctionName,
      functionArn: c.FunctionArn,
      version: c.Version,
      runtime: c.Runtime ?? "",
      handler: c.Handler ?? "",
      codeDir: stored.codeDir,
      codeSha256: c.CodeSha256,
      revisionId: c.RevisionId,
      timeoutSeconds: c.Timeout,
      memoryMb: c.MemorySize,
      role: c.Role,
      environment: c.Environment?.Variables ?? {},
      // Set on $LATEST, it applies to every version.
      reservedConcurrency: c.Version === "$LATEST" ? stored.reservedConcurrency : this.reservedConcurrency(c.FunctionName),
    };
  }

  async createFunction(input: any): Promise<FunctionConfiguration> {
    const ref = parseFunctionRef(input.FunctionName);
    if (ref.qualifier) throw invalidParameter("Unsupported FunctionName: a qualifier is not allowed when creating a function.");
    const role = checkRole(input.Role);
    if ((input.PackageType ?? "Zip") !== "Zip") throw invalidParameter("Container images are not supported by the local cloud; use PackageType Zip.");
    if (input.Runtime === undefined || input.Handler === undefined) {
      throw invalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.");
    }
    const runtime = checkRuntime(input.Runtime);
    const handler = checkHandler(input.Handler);
    const timeout = checkRange(input.Timeout, "timeout", 1, 900) ?? 3;
    const memory = checkRange(input.MemorySize, "memorySize", 128, 10240) ?? 128;
    const env = checkEnvironment(input.Environment);
    if (this.store.getFunction(ref.name)) throw conflict(`Function already exist: ${ref.name}`);
    const zip = await fetchZip(this.cloud, input.Code as CodeInput, "CreateFunction");
    const code = installZip(zip, this.codeRoot());
    // Two concurrent creates of one name: the second to get here loses, as on AWS.
    if (this.store.getFunction(ref.name)) throw conflict(`Function already exist: ${ref.name}`);

    const config: FunctionConfiguration = {
      FunctionName: ref.name,
      FunctionArn: this.arn(ref.name),
      Runtime: runtime,
      Role: role,
      Handler: handler,
      CodeSize: code.size,
      Description: typeof input.Description === "string" ? input.Description : "",
      Timeout: timeout,
      MemorySize: memory,
      LastModified: lambdaTimestamp(),
      CodeSha256: code.sha256,
      Version: "$LATEST",
      ...(env ? { Environment: { Variables: env } } : {}),
      TracingConfig: { Mode: input.TracingConfig?.Mode ?? "PassThrough" },
      RevisionId: randomUUID(),
      State: "Active",
      LastUpdateStatus: "Successful",
      PackageType: "Zip",
      Architectures: Array.isArray(input.Architectures) && input.Architectures.length ? input.Architectures : ["x86_64"],
      EphemeralStorage: { Size: input.EphemeralStorage?.Size ?? 512 },
      LoggingConfig: { LogFormat: input.LoggingConfig?.LogFormat ?? "Text", LogGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${ref.name}` },
      SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
      ...(input.DeadLetterConfig?.TargetArn ? { DeadLetterConfig: { TargetArn: input.DeadLetterConfig.TargetArn } } : {}),
    };
    const stored: StoredFunction = { config, codeDir: code.codeDir, tags: { ...(input.Tags ?? {}) }, nextVersion: 1 };
    this.store.putFunction(stored);
    if (input.Publish) return this.publish(ref.name, input.Description).config;
    return config;
  }

  getFunction(input: any): { Configuration: FunctionConfiguration; Code: { RepositoryType: string; Location: string }; Tags?: Record<string, string> } {
    const { stored } = this.resolve(input.FunctionName, input.Qualifier);
    const latest = this.store.getFunction(stored.config.FunctionName);
    const tags = latest?.tags ?? {};
    return {
      Configuration: stored.config,
      Code: { RepositoryType: "S3", Location: `${this.cloud.endpoint}/lambda-code/${stored.config.FunctionName}/${encodeURIComponent(stored.config.CodeSha256)}` },
      ...(Object.keys(tags).length ? { Tags: tags } : {}),
    };
  }

  getFunctionConfiguration(input: any): FunctionConfiguration {
    return this.resolve(input.FunctionName, input.Qualifier).stored.config;
  }

  listFunctions(input: any): { Functions: FunctionConfiguration[]; NextMarker?: string } {
    const maxItems = checkRange(input.MaxItems, "maxItems", 1, 10000) ?? 50;
    // FunctionVersion=ALL lists published versions too.
    const latest = this.store.listLatest();
    const all = (input.FunctionVersion === "ALL" ? latest.flatMap((f) => this.store.listVersions(f.config.FunctionName)) : latest).map((s) => s.config);
    return page(all, input.Marker, maxItems, (c) => c.FunctionArn, "Functions");
  }

  deleteFunction(input: any): void {
    const ref = parseFunctionRef(input.FunctionName, input.Qualifier);
    const latest = this.store.getFunction(ref.name);
    if (!latest) throw functionNotFound(this.arn(ref.name, ref.qualifier));
    if (ref.qualifier && ref.qualifier !== "$LATEST") {
      if (!isVersionNumber(ref.qualifier)) throw invalidParameter("Deletion of aliases is not supported with DeleteFunction; use DeleteAlias.");
      if (!this.store.getFunction(ref.name, ref.qualifier)) throw functionNotFound(this.arn(ref.name, ref.qualifier));
      const used = this.store.listAliases(ref.name).find((a) => a.FunctionVersion === ref.qualifier);
      if (used) throw conflict(`Unable to delete version because the following aliases reference it: [${used.Name}]`);
      const dir = this.store.getFunction(ref.name, ref.qualifier)!.codeDir;
      this.store.deleteFunction(ref.name, ref.qualifier);
      this.collectCode([dir]);
      return;
    }
    const dirs = this.store.listVersions(ref.name).map((v) => v.codeDir);
    this.store.deleteFunction(ref.name);
    this.runtime.recycle(ref.name);
    this.collectCode(dirs);
  }

  updateFunctionConfiguration(input: any): FunctionConfiguration {
    const ref = parseFunctionRef(input.FunctionName);
    const stored = this.store.getFunction(ref.name);
    if (!stored) throw functionNotFound(this.arn(ref.name));
    checkRevision(input.RevisionId, stored.config.RevisionId);
    const c = { ...stored.config };
    if (input.Role !== undefined) c.Role = checkRole(input.Role);
    if (input.Runtime !== undefined) c.Runtime = checkRuntime(input.Runtime);
    if (input.Handler !== undefined) c.Handler = checkHandler(input.Handler);
    if (input.Timeout !== undefined) c.Timeout = checkRange(input.Timeout, "timeout", 1, 900)!;
    if (input.MemorySize !== undefined) c.MemorySize = checkRange(input.MemorySize, "memorySize", 128, 10240)!;
    if (input.Description !== undefined) c.Description = String(input.Description);
    if (input.Environment !== undefined) {
      const env = checkEnvironment(input.Environment) ?? {};
      c.Environment = { Variables: env };
    }
    if (input.TracingConfig?.Mode) c.TracingConfig = { Mode: input.TracingConfig.Mode };
    if (input.EphemeralStorage?.Size) c.EphemeralStorage = { Size: input.EphemeralStorage.Size };
    if (input.DeadLetterConfig) c.DeadLetterConfig = input.DeadLetterConfig.TargetArn ? { TargetArn: input.DeadLetterConfig.TargetArn } : undefined;
    if (input.LoggingConfig) c.LoggingConfig = { ...c.LoggingConfig, ...input.LoggingConfig };
    c.LastModified = lambdaTimestamp();
    c.RevisionId = randomUUID();
    this.store.putFunction({ ...stored, config: c });
    // New configuration (environment, role, memory) means new execution environments.
    this.runtime.recycle(ref.name);
    return c;
  }

  async updateFunctionCode(input: any): Promise<FunctionConfiguration> {
    const ref = parseFunctionRef(input.FunctionName);
    const stored = this.store.getFunction(ref.name);
    if (!stored) throw functionNotFound(this.arn(ref.name));
    checkRevision(input.RevisionId, stored.config.RevisionId);
    const zip = await fetchZip(this.cloud, input as CodeInput, "UpdateFunctionCode");
    const code = installZip(zip, this.codeRoot());
    if (input.DryRun) return { ...stored.config, CodeSha256: code.sha256, CodeSize: code.size };
    const config = { ...stored.config, CodeSha256: code.sha256, CodeSize: code.size, LastModified: lambdaTimestamp(), RevisionId: randomUUID() };
    this.store.putFunction({ ...stored, config, codeDir: code.codeDir });
    this.runtime.recycle(ref.name);
    if (stored.codeDir !== code.codeDir) this.collectCode([stored.codeDir]);
    if (input.Publish) return this.publish(ref.name).config;
    return config;
  }

  publishVersion(input: any): FunctionConfiguration {
    const ref = parseFunctionRef(input.FunctionName);
    const latest = this.store.getFunction(ref.name);
    if (!latest) throw functionNotFound(this.arn(ref.name));
    if (input.CodeSha256 && input.CodeSha256 !== latest.config.CodeSha256) {
      throw invalidParameter(
        `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latest.config.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    checkRevision(input.RevisionId, latest.config.RevisionId);
    return this.publish(ref.name, input.Description).config;
  }

  /** Snapshots $LATEST; publishing unchanged code and configuration returns the last version, as AWS does. */
  private publish(name: string, description?: string): StoredFunction {
    const latest = this.store.getFunction(name)!;
    const versions = this.store.listVersions(name).filter((v) => v.config.Version !== "$LATEST");
    const last = versions[versions.length - 1];
    if (last && sameConfiguration(last.config, latest.config)) return last;
    const n = latest.nextVersion ?? versions.length + 1;
    const version: StoredFunction = {
      config: {
        ...latest.config,
        Version: String(n),
        FunctionArn: this.arn(name, String(n)),
        Description: description ?? latest.config.Description,
        RevisionId: randomUUID(),
      },
      codeDir: latest.codeDir,
      tags: {},
    };
    this.store.putFunction(version);
    this.store.putFunction({ ...latest, nextVersion: n + 1 });
    return version;
  }

  listVersionsByFunction(input: any): { Versions: FunctionConfiguration[]; NextMarker?: string } {
    const ref = parseFunctionRef(input.FunctionName);
    if (!this.store.getFunction(ref.name)) throw functionNotFound(this.arn(ref.name));
    const maxItems = checkRange(input.MaxItems, "maxItems", 1, 10000) ?? 50;
    const versions = this.store.listVersions(ref.name).map((v) => v.config);
    return page(versions, input.Marker, maxItems, (c) => c.Version, "Versions");
  }

  createAlias(input: any): AliasConfiguration {
    const ref = parseFunctionRef(input.FunctionName);
    if (!this.store.getFunction(ref.name)) throw functionNotFound(this.arn(ref.name));
    const name = checkAliasName(input.Name);
    this.checkAliasTarget(ref.name, input.FunctionVersion);
    if (this.store.getAlias(ref.name, name)) throw conflict(`Alias already exists: ${this.arn(ref.name, name)}`);
    const alias: AliasConfiguration = {
      AliasArn: this.arn(ref.name, name),
      Name: name,
      FunctionVersion: input.FunctionVersion,
      Description: input.Description ?? "",
      RevisionId: randomUUID(),
    };
    this.store.putAlias(ref.name, alias);
    return alias;
  }

  getAlias(input: any): AliasConfiguration {
    const ref = parseFunctionRef(input.FunctionName);
    const alias = this.store.getAlias(ref.name, String(input.Name));
    if (!alias) throw new AwsError("ResourceNotFoundException", `Cannot find alias arn: ${this.arn(ref.name, String(input.Name))}`, 404);
    return alias;
  }

  updateAlias(input: any): AliasConfiguration {
    const ref = parseFunctionRef(input.FunctionName);
    const alias = this.getAlias(input);
    checkRevision(input.RevisionId, alias.RevisionId);
    if (input.FunctionVersion !== undefined) this.checkAliasTarget(ref.name, input.FunctionVersion);
    const next: AliasConfiguration = {
      ...alias,
      FunctionVersion: input.FunctionVersion ?? alias.FunctionVersion,
      Description: input.Description ?? alias.Description,
      RevisionId: randomUUID(),
    };
    this.store.putAlias(ref.name, next);
    return next;
  }

  deleteAlias(input: any): void {
    const ref = parseFunctionRef(input.FunctionName);
    this.store.deleteAlias(ref.name, String(input.Name));
  }

  listAliases(input: any): { Aliases: AliasConfiguration[]; NextMarker?: string } {
    const ref = parseFunctionRef(input.FunctionName);
    if (!this.store.getFunction(ref.name)) throw functionNotFound(this.arn(ref.name));
    const all = this.store.listAliases(ref.name).filter((a) => !input.FunctionVersion || a.FunctionVersion === input.FunctionVersion);
    return page(all, input.Marker, checkRange(input.MaxItems, "maxItems", 1, 10000) ?? 50, (a) => a.Name, "Aliases");
  }

  tagResource(input: any): void {
    const stored = this.latestByArn(input.Resource);
    this.store.putFunction({ ...stored, tags: { ...stored.tags, ...(input.Tags ?? {}) } });
  }

  untagResource(input: any): void {
    const stored = this.latestByArn(input.Resource);
    const tags = { ...stored.tags };
    for (const k of input.TagKeys ?? []) delete tags[k];
    this.store.putFunction({ ...stored, tags });
  }

  listTags(input: any): { Tags: Record<string, string> } {
    return { Tags: this.latestByArn(input.Resource).tags };
  }

  putFunctionConcurrency(input: any): { ReservedConcurrentExecutions: number } {
    const stored = this.latestByArn(input.FunctionName);
    const n = checkRange(input.ReservedConcurrentExecutions, "reservedConcurrentExecutions", 0, 1000);
    if (n === undefined) throw validationError("null", "reservedConcurrentExecutions", "Member must not be null");
    this.store.putFunction({ ...stored, reservedConcurrency: n });
    return { ReservedConcurrentExecutions: n };
  }

  getFunctionConcurrency(input: any): { ReservedConcurrentExecutions?: number } {
    const stored = this.latestByArn(input.FunctionName);
    return stored.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: stored.reservedConcurrency };
  }

  deleteFunctionConcurrency(input: any): void {
    const { reservedConcurrency: _dropped, ...rest } = this.latestByArn(input.FunctionName);
    this.store.putFunction(rest);
  }

  private latestByArn(resource: unknown): StoredFunction {
    const ref = parseFunctionRef(resource, undefined, "resource");
    const stored = this.store.getFunction(ref.name);
    if (!stored) throw functionNotFound(this.arn(ref.name));
    return stored;
  }

  private checkAliasTarget(name: string, version: unknown): void {
    if (typeof version !== "string" || !(version === "$LATEST" || isVersionNumber(version))) {
      throw validationError(version, "functionVersion", "Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)");
    }
    if (!this.store.getFunction(name, version)) throw functionNotFound(this.arn(name, version));
  }

  /** Removes unpacked code no function version uses any more (code dirs are shared by content). */
  private collectCode(dirs: string[]): void {
    for (const dir of new Set(dirs)) {
      if (!dir.startsWith(this.codeRoot()) || this.store.codeDirInUse(dir)) continue;
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private codeRoot(): string {
    return join(this.cloud.dataDir("lambda"), "code");
  }
}

function checkAliasName(name: unknown): string {
  if (typeof name !== "string" || !/^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/.test(name) || name.length > 128) {
    throw validationError(name, "name", "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
  }
  return name;
}

function checkRevision(given: unknown, current: string): void {
  if (given !== undefined && given !== null && given !== current) {
    throw new AwsError(
      "PreconditionFailedException",
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
      412,
    );
  }
}

/** Two versions are the same when code and every setting (except identity fields) match. */
function sameConfiguration(a: FunctionConfiguration, b: FunctionConfiguration): boolean {
  const strip = ({ Version, FunctionArn, RevisionId, LastModified, Description, ...rest }: FunctionConfiguration) => JSON.stringify(rest);
  return strip(a) === strip(b);
}

/** Marker-based paging: the marker is the key of the first item of the next page. */
function page<T, K extends string>(items: T[], marker: unknown, maxItems: number, key: (t: T) => string, field: K): { [P in K]: T[] } & { NextMarker?: string } {
  let start = 0;
  if (typeof marker === "string" && marker) {
    const decoded = Buffer.from(marker, "base64url").toString();
    start = items.findIndex((i) => key(i) === decoded);
    if (start < 0) throw invalidParameter("Invalid marker");
  }
  const slice = items.slice(start, start + maxItems);
  const next = items[start + maxItems];
  const out = { [field]: slice } as { [P in K]: T[] } & { NextMarker?: string };
  if (next) out.NextMarker = Buffer.from(key(next)).toString("base64url");
  return out;
}
