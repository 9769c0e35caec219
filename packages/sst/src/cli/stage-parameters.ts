/**
 * A stage's SSM parameters, wherever the stage lives: `sst secrets` and `sst bind`
 * read and write them the same way on both targets. Locally that is the running
 * `sst dev` (so the dev loop hears about changes) or an in-process cloud on the stage's
 * state; on AWS it is SSM Parameter Store in the stage's account and region, with the
 * developer's credentials.
 */
import type { CommandContext } from "./command.js";
import { loadProjectFor, secretScope, type Project } from "./project.js";
import { resolveStageTarget, type StageTarget } from "./target.js";
import type { SsmCall } from "../deploy/local-target.js";
import type { SecretScope } from "../deploy/secrets.js";

export interface StageParameters {
  project: Project;
  target: StageTarget;
  scope: SecretScope & { stage: string };
  ssm: SsmCall;
  /** The local target is served by a running `sst dev`, which restarts its functions on a secret change. */
  servedByDev: boolean;
  /** The local cloud's endpoint (local target only). */
  localEndpoint?: string;
  region: string;
}

/** Opens the stage's parameters, runs `fn`, and closes what it opened (an in-process cloud). */
export async function withStageParameters<T>(ctx: CommandContext, fn: (p: StageParameters) => Promise<T>): Promise<T> {
  const project = await loadProjectFor(ctx);
  const target = await resolveStageTarget(ctx, project);
  const scope = secretScope(project);
  if (target.kind === "aws") {
    const { sdkSsm } = await import("../deploy/local-target.js");
    const { clientConfig } = await import("../deploy/aws/environment.js");
    return fn({ project, target, scope, ssm: sdkSsm(clientConfig(target.env)), servedByDev: false, region: target.env.region });
  }
  const { openLocalTarget } = await import("../deploy/local-target.js");
  const local = await openLocalTarget({ stateDir: target.stateDir, region: project.config.region });
  try {
    return await fn({ project, target, scope, ssm: local.ssm, servedByDev: local.remote, localEndpoint: local.endpoint, region: local.region });
  } finally {
    await local.close();
  }
}
