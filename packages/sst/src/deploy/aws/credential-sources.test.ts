import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeCredentialSource, findCredentialSource, iniSections, sharedFilesHaveDefaultProfile } from "./credential-sources.js";

const none = () => false;
const keys = { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s" };

describe("where AWS credentials come from", () => {
  it("follows SST v2 and the SDK: --profile, static keys (unless AWS_PROFILE), the config's profile, AWS_PROFILE, web identity, containers, the default profile", () => {
    assert.deepEqual(findCredentialSource({ flagProfile: "p", configProfile: "c", env: keys, hasDefaultProfile: none }), { kind: "profile", profile: "p", from: "--profile" });
    // A CI job's keys beat the profile the config names for developers.
    assert.deepEqual(findCredentialSource({ configProfile: "c", env: keys, hasDefaultProfile: none }), { kind: "environment" });
    assert.deepEqual(findCredentialSource({ env: { ...keys, AWS_PROFILE: "x" }, hasDefaultProfile: none }), { kind: "profile", profile: "x", from: "AWS_PROFILE" });
    assert.deepEqual(findCredentialSource({ configProfile: "c", env: { AWS_PROFILE: "x" }, hasDefaultProfile: none }), { kind: "profile", profile: "c", from: "sst.config.ts" });
    assert.deepEqual(findCredentialSource({ env: { AWS_PROFILE: "x" }, hasDefaultProfile: none }), { kind: "profile", profile: "x", from: "AWS_PROFILE" });
    assert.deepEqual(findCredentialSource({ env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: "arn:r" }, hasDefaultProfile: none }), { kind: "web-identity", roleArn: "arn:r" });
    assert.deepEqual(findCredentialSource({ env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2" }, hasDefaultProfile: none }), { kind: "container" });
    assert.deepEqual(findCredentialSource({ env: {}, hasDefaultProfile: () => true }), { kind: "profile", profile: "default", from: "default profile" });
    assert.equal(findCredentialSource({ env: { AWS_ACCESS_KEY_ID: "only-half" }, hasDefaultProfile: none }), undefined);
  });

  it("describes each source for the target line", () => {
    assert.equal(describeCredentialSource({ kind: "profile", profile: "dev", from: "--profile" }), "profile dev");
    assert.equal(describeCredentialSource({ kind: "profile", profile: "dev", from: "sst.config.ts" }), "profile dev (sst.config.ts)");
    assert.equal(describeCredentialSource({ kind: "environment" }), "credentials from AWS_ACCESS_KEY_ID");
  });
});

describe("the shared config files", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-aws-files-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = (credentials: string, config: string) => {
    fs.writeFileSync(path.join(dir, "credentials"), credentials);
    fs.writeFileSync(path.join(dir, "config"), config);
    return { HOME: dir, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials"), AWS_CONFIG_FILE: path.join(dir, "config") };
  };

  it("parses sections and keys, comments aside", () => {
    const s = iniSections("# c\n[default]\naws_access_key_id = A ; note\n[ profile  dev ]\nregion=eu-west-1\n");
    assert.deepEqual([...s.keys()], ["default", "profile dev"]);
    assert.deepEqual([...s.get("default")!], ["aws_access_key_id"]);
  });

  it("a default profile counts only when it holds credentials (keys, SSO, a role, a process), not a region alone", () => {
    assert.equal(sharedFilesHaveDefaultProfile(env("[default]\naws_access_key_id=A\naws_secret_access_key=B\n", "")), true);
    assert.equal(sharedFilesHaveDefaultProfile(env("", "[default]\nsso_session=corp\nsso_account_id=1\n")), true);
    assert.equal(sharedFilesHaveDefaultProfile(env("", "[profile default]\ncredential_process=/bin/creds\n")), true);
    assert.equal(sharedFilesHaveDefaultProfile(env("", "[default]\nregion=us-east-1\n")), false);
    assert.equal(sharedFilesHaveDefaultProfile(env("[dev]\naws_access_key_id=A\n", "")), false);
    assert.equal(sharedFilesHaveDefaultProfile({ HOME: path.join(dir, "nowhere") }), false);
  });
});
