/** Types of synth-process-early.mjs (plain JavaScript: the `sst` entry runs it before any TypeScript loader). */
import type { ChildProcess } from "node:child_process";
export function forkSynthWorker(env: Record<string, string | undefined>, cwd: string): ChildProcess;
export function startSynthProcessEarly(argv: string[], env: Record<string, string | undefined>, cwd?: string): void;
export function takeEarlySynthProcess(cwd?: string): ChildProcess | undefined;
