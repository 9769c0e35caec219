/**
 * Fixtures a test file declares once at its top: a local cloud started before the file's
 * tests and stopped after them, with the real clients that talk to it (AWS SDK v3 clients,
 * the AWS CLI) made when it starts and closed when it stops.
 */
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { awsCli, awsCliPath, startTestCloud, type TestCloud } from "./testing.js";

/** Something the fixture closes after the file's tests (an SDK client). */
interface Closable {
  destroy(): void;
}

type Started = Closable | readonly Closable[] | void;

/**
 * A local cloud for this file. `onStart` gets it once it runs (keep it, make clients);
 * the clients it returns are destroyed before the cloud stops. With `when` false, nothing
 * starts (a file whose tests all skip).
 */
export function useTestCloud(onStart: (tc: TestCloud) => Started | Promise<Started>, when = true): void {
  let tc: TestCloud | undefined;
  let clients: readonly Closable[] = [];
  before(async () => {
    if (!when) return;
    tc = await startTestCloud();
    const made = await onStart(tc);
    clients = made === undefined ? [] : Array.isArray(made) ? made : [made as Closable];
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await tc?.stop();
  });
}

export interface ServiceCli {
  /** The test option: false, or why the tests skip (no AWS CLI installed). */
  readonly skip: false | string;
  /** The file's cloud (once started). */
  readonly tc: TestCloud;
  /** `aws <service> <args>` against the file's cloud, as the admin: what it printed, parsed. */
  run(...args: string[]): Promise<any>;
  /** A command that must fail: the CLI's stderr, where it prints AWS's error code and message. */
  fails(...args: string[]): Promise<string>;
}

/** One service's AWS CLI commands against a local cloud for this file (none starts without a CLI). */
export function useServiceCli(service: string): ServiceCli {
  const installed = awsCliPath() !== undefined;
  let tc: TestCloud | undefined;
  useTestCloud((started) => void (tc = started), installed);
  const cloud = (): TestCloud => tc ?? assert.fail("the local cloud of this file has not started");
  const run = (...args: string[]): Promise<any> => awsCli(cloud().cloud.endpoint)!(service, ...args);
  return {
    skip: installed ? false : "no AWS CLI is installed (Debian's awscli is the AWS CLI v2); skipping the CLI round trip",
    get tc() {
      return cloud();
    },
    run,
    async fails(...args) {
      try {
        await run(...args);
      } catch (err: any) {
        return String(err.stderr);
      }
      assert.fail(`aws ${service} ${args[0]} succeeded but should have failed`);
    },
  };
}

/**
 * Asserts that an AWS SDK v3 call fails as AWS would have it: the error's name, its HTTP
 * status, and — when given — its message (the exact text, or a pattern it matches).
 */
export async function rejectsWithAwsError(call: Promise<unknown>, name: string, message?: string | RegExp, status = 400): Promise<void> {
  await assert.rejects(call, (err: any) => {
    assert.equal(err.name, name, err.message);
    assert.equal(err.$metadata?.httpStatusCode, status, `${name}'s HTTP status`);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}
