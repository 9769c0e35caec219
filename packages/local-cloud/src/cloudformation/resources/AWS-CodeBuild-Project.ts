/**
 * AWS::CodeBuild::Project: recorded, not served (the local cloud has no CodeBuild).
 * SST's Job creates one; under `sst dev` a Job runs as a Lambda function instead, and
 * `sst dev` says so. Ref is the project name, GetAtt Arn its ARN.
 */
import { recordedProvider } from "./recorded.js";
import { arn } from "../provider.js";

export const codeBuildProject = recordedProvider({
  replacementProps: ["Name"],
  nameProperty: "Name",
  id: (p, ctx) => String(p.Name ?? ctx.physicalName({ maxLength: 150 })),
  attributes: (name, _p, ctx) => ({ Arn: arn(ctx, "codebuild", `project/${name}`) }),
});
