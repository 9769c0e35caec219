/**
 * Custom::SSTEdgeLambdaVersion (SST v2's EdgeFunction): a published version of a
 * Lambda@Edge function — CloudFront associates versions, never $LATEST — with the
 * function's "live" alias pointed at it. The version resource's logical id carries a
 * hash of the function's parameters, so a changed function gets a new version and
 * CloudFormation deletes the previous one.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { LambdaClient, PublishVersionCommand, CreateAliasCommand, UpdateAliasCommand, GetAliasCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { answer } from "../response.js";
import { isNotFound } from "./names.js";

const lambda = new LambdaClient({ region: "us-east-1" });
const ALIAS = "live";

export const handler = (event: CloudFormationCustomResourceEvent) =>
  answer(event, async () => {
    const functionArn = String(event.ResourceProperties.FunctionArn);
    const name = functionArn.split(":").pop()!;
    if (event.RequestType === "Create") {
      const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
      await pointAlias(name, Version!);
      return { physicalId: `${functionArn}:${Version}`, data: { Version } };
    }
    const version = event.PhysicalResourceId.split(":").pop()!;
    if (event.RequestType === "Delete") await deleteUnlessLive(name, version);
    return { physicalId: event.PhysicalResourceId, data: { Version: version } };
  });

async function pointAlias(name: string, version: string): Promise<void> {
  try {
    await lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: ALIAS, FunctionVersion: version }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: ALIAS, FunctionVersion: version }));
  }
}

/** A replaced version is deleted; the one the alias serves (or a deleted function's) is left. */
async function deleteUnlessLive(name: string, version: string): Promise<void> {
  try {
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: name, Name: ALIAS }));
    if (alias.FunctionVersion === version) return;
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: version }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
