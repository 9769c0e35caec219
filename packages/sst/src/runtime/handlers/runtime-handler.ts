/**
 * SST v2's runtime handlers (`sst/runtime/handlers/<language>.js`, `use<Language>Handler`)
 * tell which runtimes a language covers and build its functions. This framework builds
 * Node.js functions only (`build/`); the other languages' handlers exist so code written
 * against SST v2's modules loads, and they refuse to build with the reason.
 */
import { bundleInto } from "../../build/bundle.js";
import type { BundleResult, FunctionDefinitionRecord } from "../../build/types.js";

export interface RuntimeHandler {
  /** The language, as SST v2 names its handler modules. */
  readonly language: string;
  canHandle(runtime: string): boolean;
  /** Bundle a function into `out` (Node.js only). */
  build(input: { definition: FunctionDefinitionRecord; root: string; out: string }): Promise<BundleResult>;
}

export function unsupportedHandler(language: string, prefixes: string[]): RuntimeHandler {
  return {
    language,
    canHandle: (runtime) => prefixes.some((p) => runtime.startsWith(p)),
    build: async ({ definition }) => {
      throw new Error(`Function "${definition.handler}": ${language} functions are not built by this SST (runtime "${definition.runtime}"); only Node.js runtimes are`);
    },
  };
}

export function nodeHandler(): RuntimeHandler {
  return {
    language: "node",
    canHandle: (runtime) => runtime.startsWith("nodejs"),
    build: ({ definition, root, out }) => bundleInto(definition, root, out, "source"),
  };
}
