/**
 * Secrets Manager with the real `@aws-sdk/client-secrets-manager`: create, read by name,
 * full and partial ARN, versions on update, describe, delete (scheduled and forced),
 * generated passwords, and AWS's errors.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, DescribeSecretCommand, DeleteSecretCommand, GetRandomPasswordCommand,
} from "@aws-sdk/client-secrets-manager";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { rejectsWithAwsError as rejects } from "../../test-fixtures.js";

let tc: TestCloud;
let sm: SecretsManagerClient;
before(async () => {
  tc = await startTestCloud();
  sm = new SecretsManagerClient(tc.clientConfig);
});
after(async () => {
  sm?.destroy();
  await tc?.stop();
});

test("a secret is read by name, full ARN and partial ARN; an update keeps the previous version", async () => {
  const created = await sm.send(new CreateSecretCommand({ Name: "db/creds", SecretString: '{"username":"app"}' }));
  assert.match(created.ARN!, /^arn:aws:secretsmanager:us-east-1:000000000000:secret:db\/creds-[A-Za-z0-9]{6}$/);
  for (const id of ["db/creds", created.ARN!, created.ARN!.slice(0, -7)]) {
    const got = await sm.send(new GetSecretValueCommand({ SecretId: id }));
    assert.deepEqual([got.ARN, got.SecretString, got.VersionStages], [created.ARN, '{"username":"app"}', ["AWSCURRENT"]]);
  }
  const put = await sm.send(new PutSecretValueCommand({ SecretId: "db/creds", SecretString: "v2" }));
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "db/creds" }))).SecretString, "v2");
  const previous = await sm.send(new GetSecretValueCommand({ SecretId: "db/creds", VersionStage: "AWSPREVIOUS" }));
  assert.equal(previous.SecretString, '{"username":"app"}');
  const described = await sm.send(new DescribeSecretCommand({ SecretId: created.ARN }));
  assert.deepEqual(described.VersionIdsToStages![put.VersionId!], ["AWSCURRENT"]);
  assert.ok(described.CreatedDate instanceof Date);
  await rejects(sm.send(new CreateSecretCommand({ Name: "db/creds", SecretString: "x" })), "ResourceExistsException", "The operation failed because the secret db/creds already exists.");
});

test("missing and deleted secrets answer as AWS does", async () => {
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: "nope" })), "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  await sm.send(new CreateSecretCommand({ Name: "gone", SecretString: "x" }));
  const deleted = await sm.send(new DeleteSecretCommand({ SecretId: "gone", RecoveryWindowInDays: 7 }));
  assert.ok(deleted.DeletionDate!.getTime() > Date.now() + 6 * 86_400_000);
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: "gone" })), "InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.");
  await rejects(sm.send(new DeleteSecretCommand({ SecretId: "gone", RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })), "InvalidParameterException");
  await sm.send(new DeleteSecretCommand({ SecretId: "gone", ForceDeleteWithoutRecovery: true }));
  await rejects(sm.send(new DescribeSecretCommand({ SecretId: "gone" })), "ResourceNotFoundException");
});

test("GetRandomPassword honours length and exclusions", async () => {
  const { RandomPassword } = await sm.send(new GetRandomPasswordCommand({ PasswordLength: 40, ExcludePunctuation: true, ExcludeCharacters: "aeiou" }));
  assert.equal(RandomPassword!.length, 40);
  assert.match(RandomPassword!, /^[^aeiou\W_]+$/);
  assert.match(RandomPassword!, /[0-9]/);
});
