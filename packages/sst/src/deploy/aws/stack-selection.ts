/**
 * `sst deploy [filter]` names stacks as SST does (the id in the app, or the full
 * stack name); the toolkit selects by pattern over the assembly's stack ids. This
 * turns the first into the second: exact names, so "API" never matches "MyAPI".
 */
import type { StackSelector } from "@aws-cdk/toolkit-lib";
import type { SynthResult } from "../project-like.js";
import { selectStacks } from "../local.js";

/**
 * For a deploy the stacks a filtered stack depends on come along (upstream), as
 * `cdk deploy` does, so a partial deploy never points at resources that do not exist;
 * a removal takes the stacks that depend on it (downstream), which CloudFormation
 * would refuse to orphan.
 */
export function toolkitSelector(synth: SynthResult, filter: string | undefined, direction: "deploy" | "remove"): { selector: StackSelector; names: string[] } {
  const names = selectStacks(synth, filter);
  const selector = {
    strategy: (filter ? "pattern-must-match" : "all-stacks") as StackSelector["strategy"],
    ...(filter ? { patterns: names } : {}),
    expand: (direction === "deploy" ? "upstream" : "downstream") as StackSelector["expand"],
  } as StackSelector;
  return { selector, names };
}
