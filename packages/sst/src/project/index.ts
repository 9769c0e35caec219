export type { SSTConfig, ConfigOptions, Project, ProjectPaths, SynthResult, SynthStack } from "./types.js";
export type { FunctionDefinitionRecord, NodeJSProps } from "../build/types.js";
export { loadProject, findConfig, importConfig, CONFIG_FILES } from "./load.js";
export { synth, createApp, stacksOf, type SynthOptions } from "./synth.js";
export { resolveStage, sanitizeStage, readPersonalStage, writePersonalStage } from "./stage.js";
export { generateTypes, writeTypes } from "./typegen.js";
