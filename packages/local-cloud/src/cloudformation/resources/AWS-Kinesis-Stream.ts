/**
 * AWS::Kinesis::Stream: recorded, not served (the local cloud has no Kinesis). Ref is
 * the stream name, GetAtt Arn its ARN; `sst dev` says that no records flow locally.
 */
import { recordedProvider } from "./recorded.js";
import { arn } from "../provider.js";

export const kinesisStream = recordedProvider({
  replacementProps: ["Name"],
  nameProperty: "Name",
  id: (p, ctx) => String(p.Name ?? ctx.physicalName({ maxLength: 128 })),
  attributes: (name, _p, ctx) => ({ Arn: arn(ctx, "kinesis", `stream/${name}`) }),
});
