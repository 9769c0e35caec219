/** The AWS console's CloudFormation stack list, filtered to a stage's stacks (`{stage}-{app}-`). */
export function awsConsoleStacksUrl(region: string, stackPrefix: string): string {
  return `https://${region}.console.aws.amazon.com/cloudformation/home?region=${region}#/stacks?filteringText=${encodeURIComponent(stackPrefix)}&filteringStatus=active&viewNested=true`;
}
