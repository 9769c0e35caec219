/**
 * Connects the local Lambda service to the dev builder: a function whose environment
 * carries SST_FUNCTION_ID runs from source, built on its first invocation. Also
 * remembers which Lambda function names belong to which SST function, to label
 * logs and to recycle the right workers after a rebuild.
 */
import type { CodeLocation, LambdaFunctionInfo } from "../deploy/local-cloud.js";
import type { DevFunctionBuilder } from "./function-builder.js";

export class DevCodeResolver {
  private readonly namesById = new Map<string, Set<string>>();
  private readonly labels = new Map<string, string>();

  constructor(private readonly builder: DevFunctionBuilder) {}

  /** Answers at once when the build is at hand (every invocation after the first): the invoke path awaits nothing. */
  readonly resolve = (fn: LambdaFunctionInfo): CodeLocation | undefined | Promise<CodeLocation | undefined> => {
    const id = fn.environment?.SST_FUNCTION_ID;
    if (!id || !this.builder.has(id)) return undefined;
    let names = this.namesById.get(id);
    if (!names) this.namesById.set(id, (names = new Set()));
    if (!names.has(fn.functionName)) {
      names.add(fn.functionName);
      this.labels.set(fn.functionName, this.builder.handlerOf(id) ?? fn.functionName);
    }
    const ready = this.builder.readyArtifact(id);
    if (ready) return ready;
    return this.builder.artifact(id).then(({ file, exportName, version, preload, runtime, taskRoot }) => ({ file, exportName, version, preload, runtime, taskRoot }));
  };

  /** Lambda function names that have run the SST function `id`. */
  functionNames(id: string): string[] {
    return [...(this.namesById.get(id) ?? [])];
  }

  label(functionName: string): string {
    return this.labels.get(functionName) ?? functionName;
  }
}
