/**
 * AWS::Lambda::Function: code from S3 (S3Bucket/S3Key, as CDK assets publish it) or
 * inline ZipFile source, which CloudFormation packages as index.js / index.py.
 * Code and configuration changes update in place; FunctionName replaces.
 */
import { zipSync, strToU8 } from "fflate";
import { compact, ignoreNotFound, optionalCall, service, tagMap, type ResourceProvider, type ProviderContext } from "../provider.js";
import { stableEqual } from "../equality.js";

/** Inline source becomes a zip with one file, named for the runtime as CloudFormation names it. */
export function inlineZip(source: string, runtime: string | undefined): Uint8Array {
  const file = runtime?.startsWith("python") ? "index.py" : runtime?.startsWith("ruby") ? "index.rb" : "index.js";
  // A fixed mtime keeps the zip (and its CodeSha256) stable across deploys.
  return zipSync({ [file]: [strToU8(source), { mtime: new Date("1980-01-01T00:00:00Z") }] });
}

function code(props: Record<string, any>) {
  const c = props.Code ?? {};
  if (c.ZipFile !== undefined) return { ZipFile: inlineZip(String(c.ZipFile), props.Runtime) };
  return compact({ S3Bucket: c.S3Bucket, S3Key: c.S3Key, S3ObjectVersion: c.S3ObjectVersion, ImageUri: c.ImageUri });
}

const CONFIG_KEYS = ["Role", "Handler", "Runtime", "Environment", "Timeout", "MemorySize", "Description", "Layers", "TracingConfig",
  "EphemeralStorage", "LoggingConfig", "VpcConfig", "DeadLetterConfig", "KMSKeyArn", "FileSystemConfigs", "ImageConfig", "SnapStart", "RuntimeManagementConfig"];

function configuration(props: Record<string, any>) {
  return compact({
    Role: props.Role, Handler: props.Handler, Runtime: props.Runtime,
    // Templates may carry numbers or booleans; Lambda takes strings only.
    Environment: props.Environment ? { Variables: Object.fromEntries(Object.entries(props.Environment.Variables ?? {}).map(([k, v]) => [k, String(v)])) } : undefined,
    Timeout: props.Timeout !== undefined ? Number(props.Timeout) : undefined,
    MemorySize: props.MemorySize !== undefined ? Number(props.MemorySize) : undefined,
    Description: props.Description, Layers: props.Layers, TracingConfig: props.TracingConfig,
    EphemeralStorage: props.EphemeralStorage ? { Size: Number(props.EphemeralStorage.Size) } : undefined,
    LoggingConfig: props.LoggingConfig, VpcConfig: props.VpcConfig, DeadLetterConfig: props.DeadLetterConfig,
    KMSKeyArn: props.KmsKeyArn, FileSystemConfigs: props.FileSystemConfigs, ImageConfig: props.ImageConfig,
  });
}

function attributes(out: any, name: string, ctx: ProviderContext) {
  return { Arn: out?.FunctionArn ?? `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${name}` };
}

export const lambdaFunction: ResourceProvider = {
  replacementProps: ["FunctionName", "PackageType"],
  nameProperty: "FunctionName",
  async create(props, ctx) {
    const lambda = service(ctx, "lambda");
    const name = props.FunctionName ?? ctx.physicalName({ maxLength: 64 });
    const out = await lambda.call("CreateFunction", compact({
      FunctionName: name, Code: code(props), PackageType: props.PackageType, Architectures: props.Architectures,
      Tags: tagMap(props.Tags), ...configuration(props),
    }));
    if (props.ReservedConcurrentExecutions !== undefined) {
      await optionalCall(lambda, "PutFunctionConcurrency", { FunctionName: name, ReservedConcurrentExecutions: Number(props.ReservedConcurrentExecutions) });
    }
    return { physicalId: name, attributes: attributes(out, name, ctx) };
  },
  async update(name, props, old, ctx) {
    const lambda = service(ctx, "lambda");
    let out: any;
    if (!stableEqual(props.Code, old.Code) || !stableEqual(props.Architectures, old.Architectures) || (props.Code?.ZipFile !== undefined && props.Runtime !== old.Runtime)) {
      out = await lambda.call("UpdateFunctionCode", compact({ FunctionName: name, ...code(props), Architectures: props.Architectures }));
    }
    if (CONFIG_KEYS.some((k) => !stableEqual(props[k], old[k]))) {
      const cfg: Record<string, unknown> = configuration(props);
      // Removed settings go back to Lambda's defaults.
      out = await lambda.call("UpdateFunctionConfiguration", {
        FunctionName: name, Environment: { Variables: {} }, Timeout: 3, MemorySize: 128, Description: "", Layers: [], ...cfg,
      });
    }
    if (!stableEqual(props.ReservedConcurrentExecutions, old.ReservedConcurrentExecutions)) {
      if (props.ReservedConcurrentExecutions === undefined) await optionalCall(lambda, "DeleteFunctionConcurrency", { FunctionName: name });
      else await optionalCall(lambda, "PutFunctionConcurrency", { FunctionName: name, ReservedConcurrentExecutions: Number(props.ReservedConcurrentExecutions) });
    }
    return attributes(out, name, ctx);
  },
  async delete(name, _props, ctx) {
    await ignoreNotFound(service(ctx, "lambda").call("DeleteFunction", { FunctionName: name }));
  },
};
