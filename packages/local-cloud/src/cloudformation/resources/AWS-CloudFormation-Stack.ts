/**
 * AWS::CloudFormation::Stack (CDK's NestedStack): a child stack deployed by the same
 * engine from TemplateURL. Ref is the child's stack id; GetAtt `Outputs.{Key}` reads its
 * outputs. The child's own failure rolls the child back and fails this resource, which
 * then rolls the parent back.
 */
import type { StackEngine } from "../engine.js";
import type { StackState, StackStore } from "../store.js";
import type { ResourceProvider } from "../provider.js";

export interface NestedStackDeps {
  engine: () => StackEngine;
  store: StackStore;
  readTemplateUrl: (url: string) => Promise<string>;
}

function attributes(s: StackState): Record<string, unknown> {
  const out: Record<string, unknown> = { Arn: s.stackId };
  for (const o of s.outputs) out[`Outputs.${o.OutputKey}`] = o.OutputValue;
  return out;
}

const params = (props: Record<string, any>) =>
  Object.entries((props.Parameters ?? {}) as Record<string, unknown>).map(([ParameterKey, v]) => ({ ParameterKey, ParameterValue: Array.isArray(v) ? v.join(",") : String(v) }));

function failure(s: StackState): string {
  const f = (s as StackState & { failure?: { logicalId?: string; reason: string } }).failure;
  return f ? `${f.logicalId ? `${f.logicalId}: ` : ""}${f.reason}` : (s.statusReason ?? s.status);
}

export function nestedStackProvider(deps: NestedStackDeps): ResourceProvider {
  return {
    async create(props, ctx) {
      const engine = deps.engine();
      const name = ctx.physicalName({ maxLength: 128 });
      const body = await deps.readTemplateUrl(String(props.TemplateURL));
      const stackId = engine.newStackId(name);
      const prepared = await engine.prepare(name, stackId, body, params(props));
      const final = await engine.withLock(name, () => engine.deploy({ stackName: name, templateBody: body, parameters: params(props) }, prepared, undefined, stackId));
      if (final.status !== "CREATE_COMPLETE") {
        await engine.withLock(name, () => engine.deleteStack(final)).catch(() => {});
        throw new Error(`Embedded stack ${stackId} was not successfully created: ${failure(final)}`);
      }
      return { physicalId: stackId, attributes: attributes(final) };
    },
    async update(stackId, props, _old, ctx, oldAttrs) {
      const engine = deps.engine();
      const existing = deps.store.find(stackId);
      if (!existing || existing.status === "DELETE_COMPLETE") return "replace";
      const body = await deps.readTemplateUrl(String(props.TemplateURL));
      const prepared = await engine.prepare(existing.stackName, stackId, body, params(props), existing);
      if (engine.isUnchanged(existing, prepared)) return oldAttrs;
      const final = await engine.withLock(existing.stackName, () => engine.deploy({ stackName: existing.stackName, templateBody: body, parameters: params(props) }, prepared, existing));
      if (final.status !== "UPDATE_COMPLETE") throw new Error(`Embedded stack ${stackId} was not successfully updated: ${failure(final)}`);
      return attributes(final);
    },
    async delete(stackId) {
      const engine = deps.engine();
      const existing = deps.store.find(stackId);
      if (!existing || existing.status === "DELETE_COMPLETE") return;
      const final = await engine.withLock(existing.stackName, () => engine.deleteStack(existing));
      if (final.status !== "DELETE_COMPLETE") throw new Error(`Embedded stack ${stackId} was not successfully deleted: ${final.statusReason ?? final.status}`);
    },
  };
}
