/**
 * QuickJS compiled to WebAssembly (quickjs-emscripten), the engine the local cloud runs
 * untrusted code in (CloudFront Functions, AppSync's APPSYNC_JS resolvers): a separate
 * JavaScript engine with no access to the host's objects, files or network. Loaded once,
 * on first use: most apps need neither, and every sst dev start would pay for it.
 */
import type { QuickJSWASMModule } from "quickjs-emscripten";

let module: Promise<QuickJSWASMModule> | undefined;

export function loadQuickJS(): Promise<QuickJSWASMModule> {
  return (module ??= import("quickjs-emscripten").then((m) => m.getQuickJS()));
}
