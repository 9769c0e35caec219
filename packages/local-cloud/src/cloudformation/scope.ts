/**
 * The evaluation scope of one stack operation: pseudo parameters, parameter values,
 * conditions (evaluated lazily, once, with cycle detection), mappings, the resources
 * deployed so far and the exports of other stacks.
 */
import type { Template } from "./template.js";
import { validationError } from "./template.js";
import { evaluateCondition, type ResolveScope } from "./intrinsics.js";
import type { ResourceState } from "./store.js";
import { localUrlOf } from "./local-urls.js";

export interface ScopeInput {
  template: Template;
  stackName: string;
  stackId: string;
  region: string;
  accountId: string;
  parameters: Record<string, unknown>;
  /** Resources deployed so far in this operation, by logical id. */
  resources: () => Record<string, ResourceState | undefined>;
  /** An export's value, or undefined when no stack exports that name. */
  findExport: (name: string) => string | undefined;
  /** Called with every export name the stack imports. */
  onImport?: (name: string) => void;
  /** The cloud's endpoint: with it, AWS URLs of the stack's APIs and user pool domains resolve to local ones (local-urls.ts). */
  endpoint?: string;
}

export function pseudoParameters(i: Pick<ScopeInput, "stackName" | "stackId" | "region" | "accountId">): Record<string, unknown> {
  return {
    "AWS::AccountId": i.accountId,
    "AWS::Region": i.region,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": i.stackName,
    "AWS::StackId": i.stackId,
    "AWS::NotificationARNs": [],
  };
}

export function createScope(i: ScopeInput): ResolveScope & { conditions: Record<string, boolean> } {
  const pseudo = pseudoParameters(i);
  const conditionValues: Record<string, boolean> = {};
  const evaluating = new Set<string>();
  const defs = i.template.Conditions ?? {};
  const scope: ResolveScope & { conditions: Record<string, boolean> } = {
    region: i.region,
    mappings: i.template.Mappings ?? {},
    conditions: conditionValues,
    ref(name) {
      if (name in pseudo) return pseudo[name];
      if (name in i.parameters) return i.parameters[name];
      const r = i.resources()[name];
      if (r) return r.physicalId;
      if (i.template.Resources[name]) throw validationError(`Template error: resource ${name} is referenced before it was created`);
      throw validationError(`Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`);
    },
    getAtt(id, attr) {
      const r = i.resources()[id];
      if (!r) {
        if (i.template.Resources[id]) throw validationError(`Template error: resource ${id} is referenced before it was created`);
        throw validationError(`Template error: instance of Fn::GetAtt references undefined resource ${id}`);
      }
      const v = r.attributes[attr];
      if (v === undefined) throw validationError(`Template error: resource ${id} does not support attribute type ${attr} in Fn::GetAtt`);
      return v;
    },
    condition(name) {
      if (name in conditionValues) return conditionValues[name];
      if (!(name in defs)) throw validationError(`Template format error: Unresolved condition dependency ${name} in Fn::If`);
      if (evaluating.has(name)) throw validationError(`Template error: circular condition dependency on ${name}`);
      evaluating.add(name);
      const v = evaluateCondition(defs[name], scope);
      evaluating.delete(name);
      conditionValues[name] = v;
      return v;
    },
    localUrl: i.endpoint === undefined ? undefined : (value) =>
      localUrlOf(value, {
        region: i.region,
        endpoint: i.endpoint!,
        typeOfPhysicalId: (id) => Object.values(i.resources()).find((r) => r?.physicalId === id)?.type,
      }),
    importValue(name) {
      const v = i.findExport(name);
      if (v === undefined) throw validationError(`No export named ${name} found.`);
      i.onImport?.(name);
      return v;
    },
  };
  return scope;
}
