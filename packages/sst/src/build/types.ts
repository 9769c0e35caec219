/** Shapes shared by the Function construct, the bundler and the dev loop. */
import type { BuildOptions, Loader } from "esbuild";

export interface NodeJSProps {
  /** Extra esbuild options, merged over SST's (external lists are concatenated). */
  esbuild?: BuildOptions;
  format?: "esm" | "cjs";
  minify?: boolean;
  /** true → a linked `.map` next to the bundle; "inline" → inline. */
  sourcemap?: boolean | "inline" | "linked";
  banner?: string;
  /** Packages left out of the bundle and copied into the bundle's node_modules instead. */
  install?: string[];
  loader?: Record<string, Loader>;
  splitting?: boolean;
}

export interface CopyFile { from: string; to?: string; }

export interface FunctionDefinitionRecord {
  /** The SST_FUNCTION_ID value. */
  id: string;
  /** As written, relative to the root: "packages/functions/src/users/list.handler". */
  handler: string;
  runtime: string;
  nodejs?: NodeJSProps;
  copyFiles?: CopyFile[];
  /** Bundle the AWS SDK v3 as well: for code run where no Lambda runtime provides it (a Job's CodeBuild container). */
  bundleAwsSdk?: boolean;
}

export interface BundleResult {
  dir: string;
  /** Absolute path of the bundle's entry file (index.mjs). */
  file: string;
  exportName: string;
  /** The Lambda handler string for the bundle ("index.handler", or the source path for deploy bundles). */
  handler: string;
  /** Absolute paths of the source files that went into the bundle. */
  inputs: string[];
}
