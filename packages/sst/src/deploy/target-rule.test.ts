import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chooseTarget, ciValue, type TargetFacts } from "./target-rule.js";

const base: TargetFacts = { command: "sst deploy", stage: "prod", localStateDir: ".sst/local/prod", localStateExists: false, changesStage: true };

describe("the target rule", () => {
  it("a CI job written for SST v2 (credentials, no flag) goes to AWS", () => {
    assert.deepEqual(chooseTarget({ ...base, credentials: "credentials from AWS_ACCESS_KEY_ID", ci: "true" }), { kind: "aws", reason: "AWS credentials found" });
  });

  it("a machine with no account runs on the local cloud", () => {
    assert.deepEqual(chooseTarget({ ...base, command: "sst dev", changesStage: false }), { kind: "local", reason: "no AWS credentials found" });
  });

  it("flags win, then SST_TARGET, then the config", () => {
    const creds = { ...base, credentials: "profile dev" };
    assert.deepEqual(chooseTarget({ ...creds, flag: { kind: "local", name: "--local" }, envTarget: "aws", configTarget: "aws" }), { kind: "local", reason: "--local" });
    assert.deepEqual(chooseTarget({ ...creds, envTarget: "local", configTarget: "aws" }), { kind: "local", reason: "SST_TARGET=local" });
    assert.deepEqual(chooseTarget({ ...base, configTarget: "aws" }), { kind: "aws", reason: "target in sst.config.ts" });
    // An explicit choice settles what the guesses would refuse.
    assert.equal(chooseTarget({ ...creds, localStateExists: true, flag: { kind: "aws", name: "--aws" } }).kind, "aws");
    assert.equal(chooseTarget({ ...base, ci: "true", flag: { kind: "local", name: "--to local" } }).kind, "local");
  });

  it("bad values name where they came from", () => {
    assert.throws(() => chooseTarget({ ...base, envTarget: "cloud" }), /SST_TARGET must be "local" or "aws", not "cloud"/);
    assert.throws(() => chooseTarget({ ...base, configTarget: true }), /"target" returned by config\(\) in sst\.config\.ts must be "local" or "aws", not true/);
  });

  it("refuses to guess AWS for a stage that has local state, and says how to choose", () => {
    assert.throws(
      () => chooseTarget({ ...base, command: "sst secrets set", stage: "alice", credentials: "profile default", localStateDir: ".sst/local/alice", localStateExists: true }),
      (e: Error) => {
        assert.match(e.message, /the "alice" stage has local cloud state \(\.sst\/local\/alice\), and AWS credentials were found \(profile default\)/);
        assert.match(e.message, /Nothing was done/);
        assert.match(e.message, /--local or --aws/);
        assert.match(e.message, /SST_TARGET/);
        return true;
      },
    );
  });

  it("in CI without credentials, deploy and remove refuse the local cloud unless told; other commands may use it", () => {
    assert.throws(() => chooseTarget({ ...base, ci: "true" }), /No AWS credentials were found, and this is a CI run \(CI=true\).*pass --local/);
    assert.equal(chooseTarget({ ...base, ci: "true", command: "sst secrets list", changesStage: false }).kind, "local");
    assert.equal(chooseTarget({ ...base, ci: "true", envTarget: "local" }).kind, "local");
  });

  it("reads CI the way CI services set it", () => {
    assert.equal(ciValue({ CI: "true" }), "true");
    assert.equal(ciValue({ CI: "1" }), "1");
    assert.equal(ciValue({ CI: "false" }), undefined);
    assert.equal(ciValue({ CI: "0" }), undefined);
    assert.equal(ciValue({}), undefined);
  });
});
