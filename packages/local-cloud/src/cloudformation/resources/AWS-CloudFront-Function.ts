/**
 * AWS::CloudFront::Function: the code goes to the DEVELOPMENT stage and, with
 * AutoPublish (CDK sets it), is published to LIVE. GetAtt FunctionARN and Stage.
 */
import { service, type ResourceProvider } from "../provider.js";

function input(props: Record<string, any>) {
  return {
    FunctionConfig: { Comment: props.FunctionConfig?.Comment ?? "", Runtime: props.FunctionConfig?.Runtime ?? "cloudfront-js-1.0" },
    FunctionCode: Buffer.from(String(props.FunctionCode ?? "")),
  };
}

async function publishIfAsked(props: Record<string, any>, name: string, etag: string, cf: ReturnType<typeof service>) {
  if (props.AutoPublish === true || props.AutoPublish === "true") {
    await cf.call("PublishFunction", { Name: name, IfMatch: etag });
    return "LIVE";
  }
  return "DEVELOPMENT";
}

export const cloudfrontFunction: ResourceProvider = {
  replacementProps: ["Name"],
  async create(props, ctx) {
    const cf = service(ctx, "cloudfront");
    const name = props.Name ?? ctx.physicalName({ maxLength: 64 });
    const out = await cf.call("CreateFunction", { Name: name, ...input(props) });
    const stage = await publishIfAsked(props, name, out.ETag, cf);
    const arn = out.FunctionSummary.FunctionMetadata.FunctionARN;
    return { physicalId: arn, attributes: { FunctionARN: arn, Stage: stage, "FunctionMetadata.FunctionARN": arn } };
  },
  async update(arn, props, _old, ctx) {
    const cf = service(ctx, "cloudfront");
    const name = arn.split("/").pop()!;
    const current = await cf.call("DescribeFunction", { Name: name });
    const out = await cf.call("UpdateFunction", { Name: name, IfMatch: current.ETag, ...input(props) });
    const stage = await publishIfAsked(props, name, out.ETag, cf);
    return { FunctionARN: arn, Stage: stage, "FunctionMetadata.FunctionARN": arn };
  },
  async delete(arn, _props, ctx) {
    const cf = service(ctx, "cloudfront");
    const name = arn.split("/").pop()!;
    try {
      const current = await cf.call("DescribeFunction", { Name: name });
      await cf.call("DeleteFunction", { Name: name, IfMatch: current.ETag });
    } catch (e: any) {
      if (e?.code !== "NoSuchFunctionExists") throw e;
    }
  },
};
