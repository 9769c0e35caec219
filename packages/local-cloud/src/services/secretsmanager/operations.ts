/**
 * Secrets Manager's operations over the store: what CloudFormation's secrets (SST's RDS
 * credentials) are made with and what the Data API and apps read them with.
 */
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import type { SecretRow, SecretStore, SecretVersions } from "./store.js";

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

export const secretArnPrefix = (region: string, accountId: string) => `arn:aws:secretsmanager:${region}:${accountId}:secret:`;

const epochSeconds = (ms: number) => ms / 1000;

export class SecretsManagerOperations {
  constructor(
    private readonly store: SecretStore,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** The secret a SecretId names: a name, a full ARN or a partial ARN (without the 6-character suffix). */
  find(secretId: string): SecretRow | undefined {
    if (secretId.startsWith("arn:")) return this.store.byArn(secretId) ?? this.store.byPartialArn(secretId);
    return this.store.byName(secretId);
  }

  /** The ARN IAM checks a request against: the secret's, or what the id would be. */
  arnFor(secretId: string): string {
    const found = this.find(secretId);
    if (found) return found.arn;
    return secretId.startsWith("arn:") ? secretId : `${secretArnPrefix(this.region, this.accountId)}${secretId}`;
  }

  private live(secretId: string): SecretRow {
    const row = this.find(secretId);
    if (!row) throw new AwsError("ResourceNotFoundException", NOT_FOUND);
    if (row.deleted) throw new AwsError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.");
    return row;
  }

  CreateSecret(input: { Name: string; Description?: string; KmsKeyId?: string; SecretString?: string; SecretBinary?: string; Tags?: { Key?: string; Value?: string }[]; ClientRequestToken?: string }) {
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
      throw new AwsError("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.");
    }
    const existing = this.store.byName(input.Name);
    if (existing?.deleted) throw new AwsError("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.");
    if (existing) throw new AwsError("ResourceExistsException", `The operation failed because the secret ${input.Name} already exists.`);
    const suffix = Array.from({ length: 6 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join("");
    const arn = `${secretArnPrefix(this.region, this.accountId)}${input.Name}-${suffix}`;
    const now = Date.now();
    const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
    const versionId = input.ClientRequestToken ?? randomUUID();
    const versions = hasValue ? { current: { id: versionId, string: input.SecretString, binary: input.SecretBinary, created: now } } : {};
    this.store.insert({
      arn, name: input.Name, description: input.Description ?? null, kms_key_id: input.KmsKeyId ?? null,
      tags: JSON.stringify(input.Tags ?? []), created: now, changed: now, versions: JSON.stringify(versions), deleted: null,
    });
    return { ARN: arn, Name: input.Name, ...(hasValue ? { VersionId: versionId } : {}) };
  }

  PutSecretValue(input: { SecretId: string; SecretString?: string; SecretBinary?: string; ClientRequestToken?: string }) {
    const row = this.live(input.SecretId);
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
      throw new AwsError("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.");
    }
    if (input.SecretString === undefined && input.SecretBinary === undefined) {
      throw new AwsError("InvalidRequestException", "You must provide either SecretString or SecretBinary.");
    }
    const old = JSON.parse(row.versions) as Partial<SecretVersions>;
    const now = Date.now();
    const current = { id: input.ClientRequestToken ?? randomUUID(), string: input.SecretString, binary: input.SecretBinary, created: now };
    this.store.setVersions(row.arn, { current, ...(old.current ? { previous: old.current } : {}) }, now);
    return { ARN: row.arn, Name: row.name, VersionId: current.id, VersionStages: ["AWSCURRENT"] };
  }

  GetSecretValue(input: { SecretId: string; VersionId?: string; VersionStage?: string }) {
    const row = this.live(input.SecretId);
    const versions = JSON.parse(row.versions) as Partial<SecretVersions>;
    const stage = input.VersionStage ?? (input.VersionId ? undefined : "AWSCURRENT");
    const pick = [["AWSCURRENT", versions.current], ["AWSPREVIOUS", versions.previous]] as const;
    const hit = pick.find(([name, v]) => v && (stage ? name === stage : v.id === input.VersionId) && (!input.VersionId || v.id === input.VersionId));
    if (!hit) {
      throw new AwsError("ResourceNotFoundException", versions.current ? "Secrets Manager can't find the specified secret value for the specified version or staging label." : "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
    }
    const [name, v] = hit;
    return {
      ARN: row.arn, Name: row.name, VersionId: v!.id, VersionStages: [name], CreatedDate: epochSeconds(v!.created),
      ...(v!.string !== undefined ? { SecretString: v!.string } : { SecretBinary: v!.binary }),
    };
  }

  DescribeSecret(input: { SecretId: string }) {
    const row = this.find(input.SecretId);
    if (!row) throw new AwsError("ResourceNotFoundException", NOT_FOUND);
    const versions = JSON.parse(row.versions) as Partial<SecretVersions>;
    const stages: Record<string, string[]> = {};
    if (versions.current) stages[versions.current.id] = ["AWSCURRENT"];
    if (versions.previous) stages[versions.previous.id] = ["AWSPREVIOUS"];
    const tags = JSON.parse(row.tags) as unknown[];
    return {
      ARN: row.arn, Name: row.name, ...(row.description ? { Description: row.description } : {}), ...(row.kms_key_id ? { KmsKeyId: row.kms_key_id } : {}),
      LastChangedDate: epochSeconds(row.changed), CreatedDate: epochSeconds(row.created), VersionIdsToStages: stages,
      ...(tags.length ? { Tags: tags } : {}), ...(row.deleted ? { DeletedDate: epochSeconds(row.deleted) } : {}),
    };
  }

  DeleteSecret(input: { SecretId: string; RecoveryWindowInDays?: number; ForceDeleteWithoutRecovery?: boolean }) {
    if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
      throw new AwsError("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const days = input.RecoveryWindowInDays ?? 30;
    if (!input.ForceDeleteWithoutRecovery && (days < 7 || days > 30)) {
      throw new AwsError("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
    }
    const row = this.find(input.SecretId);
    if (!row) throw new AwsError("ResourceNotFoundException", NOT_FOUND);
    const now = Date.now();
    if (input.ForceDeleteWithoutRecovery) this.store.remove(row.arn);
    else if (!row.deleted) this.store.markDeleted(row.arn, now);
    const deletion = input.ForceDeleteWithoutRecovery ? now : (row.deleted ?? now) + days * 86_400_000;
    return { ARN: row.arn, Name: row.name, DeletionDate: epochSeconds(deletion) };
  }

  GetRandomPassword(input: { PasswordLength?: number; ExcludeCharacters?: string; ExcludeNumbers?: boolean; ExcludePunctuation?: boolean; ExcludeUppercase?: boolean; ExcludeLowercase?: boolean; IncludeSpace?: boolean; RequireEachIncludedType?: boolean }) {
    return { RandomPassword: randomPassword(input) };
  }
}

/** A password from the included character classes, one of each when RequireEachIncludedType (the default). */
export function randomPassword(input: { PasswordLength?: number; ExcludeCharacters?: string; ExcludeNumbers?: boolean; ExcludePunctuation?: boolean; ExcludeUppercase?: boolean; ExcludeLowercase?: boolean; IncludeSpace?: boolean; RequireEachIncludedType?: boolean }): string {
  const length = input.PasswordLength ?? 32;
  const excluded = new Set(input.ExcludeCharacters ?? "");
  const keep = (chars: string) => [...chars].filter((c) => !excluded.has(c)).join("");
  const classes = [
    input.ExcludeLowercase ? "" : keep("abcdefghijklmnopqrstuvwxyz"),
    input.ExcludeUppercase ? "" : keep("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    input.ExcludeNumbers ? "" : keep("0123456789"),
    input.ExcludePunctuation ? "" : keep(PUNCTUATION),
    input.IncludeSpace ? keep(" ") : "",
  ].filter(Boolean);
  const all = classes.join("");
  if (!all) throw new AwsError("InvalidParameterException", "The password can't be generated: every character type was excluded.");
  const requireEach = input.RequireEachIncludedType ?? true;
  if (requireEach && classes.length > length) throw new AwsError("InvalidParameterException", "The password length is too short to include each required character type.");
  for (;;) {
    const chars = Array.from(randomBytes(length), (b) => all[b % all.length]);
    if (!requireEach || classes.every((cls) => chars.some((c) => cls.includes(c!)))) return chars.join("");
  }
}
