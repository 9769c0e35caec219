/**
 * Lambda's operations (REST-JSON): the IAM action and resource of each and its
 * implementation. Routes, input bindings and constraints come from the generated model
 * (wire/models/lambda.ts).
 */
import type lambdaModel from "../../wire/models/lambda.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import type { CallContext } from "../../types.js";
import type { EventInvokeConfigOperations } from "./event-invoke-configs.js";
import type { EventSourceMappingOperations } from "./event-source-mappings.js";
import type { FunctionOperations } from "./functions.js";
import type { FunctionUrlOperations } from "./function-urls.js";
import type { InvokeOperation } from "./invoke.js";
import { functionArn, parseFunctionRef } from "./names.js";
import type { PermissionOperations } from "./permissions.js";
import type { LambdaStore } from "./store.js";

export interface LambdaParts {
  region: string;
  accountId: string;
  store: LambdaStore;
  functions: FunctionOperations;
  permissions: PermissionOperations;
  mappings: EventSourceMappingOperations;
  urls: FunctionUrlOperations;
  invokeConfigs: EventInvokeConfigOperations;
  invoker: InvokeOperation;
  accountSettings(): unknown;
}

/** A function's tags as the `aws:ResourceTag/<key>` condition keys policies may test. */
function resourceTagConditions(tags: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!tags) return undefined;
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
}

export function lambdaOperations(p: LambdaParts): OperationSpecs<typeof lambdaModel, CallContext> {
  /** `lambda:<action>` on the function (version or alias) the input names, with its tags as conditions. */
  const onFunction =
    (action: string) =>
    (input: { FunctionName: string; Qualifier?: string }): Authorization => {
      const ref = parseFunctionRef(input.FunctionName, input.Qualifier);
      return {
        action: `lambda:${action}`,
        resource: functionArn(p.region, p.accountId, ref.name, ref.qualifier),
        conditions: resourceTagConditions(p.store.getFunction(ref.name)?.tags),
      };
    };
  const onMapping = (action: string) => (input: { UUID: string }): Authorization => ({
    action: `lambda:${action}`,
    resource: `arn:aws:lambda:${p.region}:${p.accountId}:event-source-mapping:${input.UUID}`,
  });
  const onResource = (action: string) => (input: { Resource: string }): Authorization => ({ action: `lambda:${action}`, resource: input.Resource });
  const everywhere = (action: string) => (): Authorization => ({ action: `lambda:${action}`, resource: "*" });
  const { functions, permissions, mappings, urls, invokeConfigs, invoker } = p;
  return {
    CreateFunction: { iam: onFunction("CreateFunction"), run: (i) => functions.createFunction(i) },
    ListFunctions: { iam: everywhere("ListFunctions"), run: (i) => functions.listFunctions(i) },
    GetFunction: { iam: onFunction("GetFunction"), run: (i) => functions.getFunction(i) },
    DeleteFunction: {
      iam: onFunction("DeleteFunction"),
      run: (i) => {
        functions.deleteFunction(i);
        urls.deleteForFunction(i.FunctionName);
        // Deleting the whole function (no qualifier) drops its asynchronous invocation settings.
        if (!i.Qualifier && !String(i.FunctionName).split(":")[7]) invokeConfigs.deleteForFunction(i.FunctionName);
        return { StatusCode: 204 };
      },
    },
    GetFunctionConfiguration: { iam: onFunction("GetFunctionConfiguration"), run: (i) => functions.getFunctionConfiguration(i) },
    UpdateFunctionConfiguration: { iam: onFunction("UpdateFunctionConfiguration"), run: (i) => functions.updateFunctionConfiguration(i) },
    UpdateFunctionCode: { iam: onFunction("UpdateFunctionCode"), run: (i) => functions.updateFunctionCode(i) },
    Invoke: { iam: onFunction("InvokeFunction"), run: (i, ctx) => invoker.invoke(i, ctx.requestId) },
    AddPermission: { iam: onFunction("AddPermission"), run: (i) => permissions.addPermission(i) },
    GetPolicy: { iam: onFunction("GetPolicy"), run: (i) => permissions.getPolicy(i) },
    RemovePermission: { iam: onFunction("RemovePermission"), run: (i) => (permissions.removePermission(i), {}) },
    PublishVersion: { iam: onFunction("PublishVersion"), run: (i) => functions.publishVersion(i) },
    ListVersionsByFunction: { iam: onFunction("ListVersionsByFunction"), run: (i) => functions.listVersionsByFunction(i) },
    CreateAlias: { iam: onFunction("CreateAlias"), run: (i) => functions.createAlias(i) },
    ListAliases: { iam: onFunction("ListAliases"), run: (i) => functions.listAliases(i) },
    GetAlias: { iam: onFunction("GetAlias"), run: (i) => functions.getAlias(i) },
    UpdateAlias: { iam: onFunction("UpdateAlias"), run: (i) => functions.updateAlias(i) },
    DeleteAlias: { iam: onFunction("DeleteAlias"), run: (i) => (functions.deleteAlias(i), {}) },
    CreateEventSourceMapping: { iam: everywhere("CreateEventSourceMapping"), run: (i) => mappings.create(i) },
    ListEventSourceMappings: { iam: everywhere("ListEventSourceMappings"), run: (i) => mappings.list(i) },
    GetEventSourceMapping: { iam: onMapping("GetEventSourceMapping"), run: (i) => mappings.get(i) },
    UpdateEventSourceMapping: { iam: onMapping("UpdateEventSourceMapping"), run: (i) => mappings.update(i) },
    DeleteEventSourceMapping: { iam: onMapping("DeleteEventSourceMapping"), run: (i) => mappings.delete(i) },
    TagResource: { iam: onResource("TagResource"), run: (i) => (functions.tagResource(i), {}) },
    ListTags: { iam: onResource("ListTags"), run: (i) => functions.listTags(i) },
    UntagResource: { iam: onResource("UntagResource"), run: (i) => (functions.untagResource(i), {}) },
    PutFunctionConcurrency: { iam: onFunction("PutFunctionConcurrency"), run: (i) => functions.putFunctionConcurrency(i) },
    GetFunctionConcurrency: { iam: onFunction("GetFunctionConcurrency"), run: (i) => functions.getFunctionConcurrency(i) },
    DeleteFunctionConcurrency: { iam: onFunction("DeleteFunctionConcurrency"), run: (i) => (functions.deleteFunctionConcurrency(i), {}) },
    CreateFunctionUrlConfig: { iam: onFunction("CreateFunctionUrlConfig"), run: (i) => urls.create(i) },
    GetFunctionUrlConfig: { iam: onFunction("GetFunctionUrlConfig"), run: (i) => urls.getConfig(i) },
    UpdateFunctionUrlConfig: { iam: onFunction("UpdateFunctionUrlConfig"), run: (i) => urls.update(i) },
    DeleteFunctionUrlConfig: { iam: onFunction("DeleteFunctionUrlConfig"), run: (i) => (urls.delete(i), {}) },
    ListFunctionUrlConfigs: { iam: onFunction("ListFunctionUrlConfigs"), run: (i) => urls.list(i) },
    PutFunctionEventInvokeConfig: { iam: onFunction("PutFunctionEventInvokeConfig"), run: (i) => invokeConfigs.put(i) },
    UpdateFunctionEventInvokeConfig: { iam: onFunction("UpdateFunctionEventInvokeConfig"), run: (i) => invokeConfigs.update(i) },
    GetFunctionEventInvokeConfig: { iam: onFunction("GetFunctionEventInvokeConfig"), run: (i) => invokeConfigs.get(i) },
    DeleteFunctionEventInvokeConfig: { iam: onFunction("DeleteFunctionEventInvokeConfig"), run: (i) => (invokeConfigs.delete(i), {}) },
    ListFunctionEventInvokeConfigs: { iam: onFunction("ListFunctionEventInvokeConfigs"), run: (i) => invokeConfigs.list(i) },
    GetAccountSettings: { iam: everywhere("GetAccountSettings"), run: () => p.accountSettings() },
  };
}
