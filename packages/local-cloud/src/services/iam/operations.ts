/**
 * IAM operations in AWS API shape (inputs and outputs as the SDK v3 commands have
 * them). Policy documents are returned URL-encoded, as IAM returns them on the wire.
 */
import type Database from "better-sqlite3";
import { AwsError } from "../../server/aws-error.js";
import { validatePolicyDocument } from "../../iam/policy-validation.js";
import { ACCOUNT_ID } from "../../types.js";
import { awsId } from "./ids.js";
import { isAwsManagedArn, managedPolicy, MANAGED_POLICIES, type ManagedPolicy } from "./managed-policies.js";
import { migrateIam, type PolicyRow, type RoleRow } from "./store.js";

type Tag = { Key: string; Value: string };

export const noSuchEntity = (message: string) => new AwsError("NoSuchEntity", message, 404);
const alreadyExists = (message: string) => new AwsError("EntityAlreadyExists", message, 409);
const deleteConflict = (message: string) => new AwsError("DeleteConflict", message, 409);

function checkDocument(text: string, kind: "identity" | "trust"): void {
  const problem = validatePolicyDocument(text, kind);
  if (problem) throw new AwsError("MalformedPolicyDocument", problem, 400);
}

const encodeDoc = (doc: string) => encodeURIComponent(doc);
const policySize = (doc: string) => doc.replace(/\s+/g, "").length;
const MANAGED_POLICY_MAX = 6144;

function parseTags(tags: unknown): Tag[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) throw new AwsError("ValidationError", "Tags must be a list", 400);
  if (tags.length > 50) throw new AwsError("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50.", 409);
  return tags.map((t: any) => ({ Key: String(t?.Key ?? ""), Value: String(t?.Value ?? "") }));
}

function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const map = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of added) map.set(t.Key, t.Value);
  return [...map].map(([Key, Value]) => ({ Key, Value }));
}

/** Marker paging: the marker is the offset into the sorted result, opaque to clients. */
function page<T>(items: T[], input: any): { items: T[]; IsTruncated: boolean; Marker?: string } {
  // MaxItems is 1–1000: checked with the request.
  const max = input?.MaxItems === undefined ? 100 : Number(input.MaxItems);
  const start = input?.Marker ? Number.parseInt(Buffer.from(String(input.Marker), "base64").toString("utf8"), 10) || 0 : 0;
  const slice = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return { items: slice, IsTruncated: truncated, ...(truncated ? { Marker: Buffer.from(String(start + max)).toString("base64") } : {}) };
}

export class IamOperations {
  constructor(private readonly db: Database.Database) {
    migrateIam(db);
  }

  // ---- roles ----

  role(name: string): RoleRow {
    const row = this.db.prepare("SELECT * FROM roles WHERE name = ?").get(name) as RoleRow | undefined;
    if (!row) throw noSuchEntity(`The role with name ${name} cannot be found.`);
    return row;
  }

  roleByArn(arn: string): RoleRow | undefined {
    return this.db.prepare("SELECT * FROM roles WHERE arn = ?").get(arn) as RoleRow | undefined;
  }

  private roleShape(row: RoleRow, withTags: boolean) {
    const tags = JSON.parse(row.tags) as Tag[];
    return {
      Path: row.path,
      RoleName: row.name,
      RoleId: row.role_id,
      Arn: row.arn,
      CreateDate: new Date(row.created),
      AssumeRolePolicyDocument: encodeDoc(row.assume_policy),
      ...(row.description ? { Description: row.description } : {}),
      MaxSessionDuration: row.max_session,
      ...(withTags && tags.length > 0 ? { Tags: tags } : {}),
      ...(withTags ? { RoleLastUsed: {} } : {}),
    };
  }

  CreateRole(input: any) {
    const name = String(input.RoleName);
    const doc = String(input.AssumeRolePolicyDocument);
    const path = input.Path ?? "/";
    checkDocument(doc, "trust");
    // 3600–43200 seconds: checked with the request.
    const maxSession = input.MaxSessionDuration === undefined ? 3600 : Number(input.MaxSessionDuration);
    if (this.db.prepare("SELECT 1 FROM roles WHERE name = ?").get(name)) throw alreadyExists(`Role with name ${name} already exists.`);
    const row: RoleRow = {
      name,
      role_id: awsId("AROA"),
      arn: `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`,
      path,
      assume_policy: doc,
      description: input.Description ?? null,
      max_session: maxSession,
      created: new Date().toISOString(),
      tags: JSON.stringify(parseTags(input.Tags)),
    };
    this.db.prepare(
      "INSERT INTO roles VALUES (@name, @role_id, @arn, @path, @assume_policy, @description, @max_session, @created, @tags)",
    ).run(row);
    return { Role: this.roleShape(row, true) };
  }

  GetRole(input: any) {
    return { Role: this.roleShape(this.role(String(input.RoleName)), true) };
  }

  DeleteRole(input: any) {
    const role = this.role(String(input.RoleName));
    if (this.db.prepare("SELECT 1 FROM role_policies WHERE role_name = ?").get(role.name)) {
      throw deleteConflict("Cannot delete entity, must delete policies first.");
    }
    if (this.db.prepare("SELECT 1 FROM role_attachments WHERE role_name = ?").get(role.name)) {
      throw deleteConflict("Cannot delete entity, must detach all policies first.");
    }
    this.db.prepare("DELETE FROM roles WHERE name = ?").run(role.name);
    return {};
  }

  ListRoles(input: any) {
    const prefix = input?.PathPrefix ?? "/";
    const rows = (this.db.prepare("SELECT * FROM roles ORDER BY name").all() as RoleRow[]).filter((r) => r.path.startsWith(prefix));
    const p = page(rows, input);
    return { Roles: p.items.map((r) => this.roleShape(r, false)), IsTruncated: p.IsTruncated, ...(p.Marker ? { Marker: p.Marker } : {}) };
  }

  UpdateAssumeRolePolicy(input: any) {
    const role = this.role(String(input.RoleName));
    const doc = String(input.PolicyDocument);
    checkDocument(doc, "trust");
    this.db.prepare("UPDATE roles SET assume_policy = ? WHERE name = ?").run(doc, role.name);
    return {};
  }

  UpdateRole(input: any) {
    const role = this.role(String(input.RoleName));
    if (input.Description !== undefined) this.db.prepare("UPDATE roles SET description = ? WHERE name = ?").run(input.Description, role.name);
    if (input.MaxSessionDuration !== undefined) this.db.prepare("UPDATE roles SET max_session = ? WHERE name = ?").run(Number(input.MaxSessionDuration), role.name);
    return {};
  }

  TagRole(input: any) {
    const role = this.role(String(input.RoleName));
    const tags = mergeTags(JSON.parse(role.tags), parseTags(input.Tags));
    if (tags.length > 50) throw new AwsError("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50.", 409);
    this.db.prepare("UPDATE roles SET tags = ? WHERE name = ?").run(JSON.stringify(tags), role.name);
    return {};
  }

  UntagRole(input: any) {
    const role = this.role(String(input.RoleName));
    const remove = new Set<string>((input.TagKeys ?? []).map(String));
    const tags = (JSON.parse(role.tags) as Tag[]).filter((t) => !remove.has(t.Key));
    this.db.prepare("UPDATE roles SET tags = ? WHERE name = ?").run(JSON.stringify(tags), role.name);
    return {};
  }

  ListRoleTags(input: any) {
    const role = this.role(String(input.RoleName));
    return { Tags: JSON.parse(role.tags) as Tag[], IsTruncated: false };
  }

  // ---- inline role policies ----

  PutRolePolicy(input: any) {
    const role = this.role(String(input.RoleName));
    const name = String(input.PolicyName);
    const doc = String(input.PolicyDocument);
    checkDocument(doc, "identity");
    // IAM counts the inline policies of a role together, whitespace excluded.
    const others = (this.db.prepare("SELECT document FROM role_policies WHERE role_name = ? AND policy_name != ?").all(role.name, name) as { document: string }[])
      .reduce((n, r) => n + policySize(r.document), 0);
    if (others + policySize(doc) > 10240) {
      throw new AwsError("LimitExceeded", `Maximum policy size of 10240 bytes exceeded for role ${role.name}`, 409);
    }
    this.db.prepare("INSERT OR REPLACE INTO role_policies VALUES (?, ?, ?)").run(role.name, name, doc);
    return {};
  }

  GetRolePolicy(input: any) {
    const role = this.role(String(input.RoleName));
    const name = String(input.PolicyName);
    const row = this.db.prepare("SELECT document FROM role_policies WHERE role_name = ? AND policy_name = ?").get(role.name, name) as { document: string } | undefined;
    if (!row) throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
    return { RoleName: role.name, PolicyName: name, PolicyDocument: encodeDoc(row.document) };
  }

  DeleteRolePolicy(input: any) {
    const role = this.role(String(input.RoleName));
    const name = String(input.PolicyName);
    const res = this.db.prepare("DELETE FROM role_policies WHERE role_name = ? AND policy_name = ?").run(role.name, name);
    if (res.changes === 0) throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
    return {};
  }

  ListRolePolicies(input: any) {
    const role = this.role(String(input.RoleName));
    const names = (this.db.prepare("SELECT policy_name FROM role_policies WHERE role_name = ? ORDER BY policy_name").all(role.name) as { policy_name: string }[]).map((r) => r.policy_name);
    const p = page(names, input);
    return { PolicyNames: p.items, IsTruncated: p.IsTruncated, ...(p.Marker ? { Marker: p.Marker } : {}) };
  }

  // ---- managed policies ----

  private customerPolicy(arn: string): PolicyRow | undefined {
    return this.db.prepare("SELECT * FROM policies WHERE arn = ?").get(arn) as PolicyRow | undefined;
  }

  private attachmentCount(arn: string): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM role_attachments WHERE policy_arn = ?").get(arn) as { n: number }).n;
  }

  private managedShape(p: ManagedPolicy) {
    return {
      PolicyName: p.name, PolicyId: p.policyId, Arn: p.arn, Path: p.path, DefaultVersionId: p.versionId,
      AttachmentCount: this.attachmentCount(p.arn), PermissionsBoundaryUsageCount: 0, IsAttachable: true,
      Description: p.description, CreateDate: new Date(p.created), UpdateDate: new Date(p.updated),
    };
  }

  private policyShape(row: PolicyRow, withTags: boolean) {
    const tags = JSON.parse(row.tags) as Tag[];
    return {
      PolicyName: row.name, PolicyId: row.policy_id, Arn: row.arn, Path: row.path, DefaultVersionId: row.default_version,
      AttachmentCount: this.attachmentCount(row.arn), PermissionsBoundaryUsageCount: 0, IsAttachable: true,
      ...(row.description ? { Description: row.description } : {}),
      CreateDate: new Date(row.created), UpdateDate: new Date(row.updated),
      ...(withTags && tags.length > 0 ? { Tags: tags } : {}),
    };
  }

  private policyNotFound(arn: string): AwsError {
    return noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  }

  CreatePolicy(input: any) {
    const name = String(input.PolicyName);
    const doc = String(input.PolicyDocument);
    const path = input.Path ?? "/";
    checkDocument(doc, "identity");
    if (policySize(doc) > MANAGED_POLICY_MAX) throw new AwsError("LimitExceeded", `Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX}`, 409);
    const arn = `arn:aws:iam::${ACCOUNT_ID}:policy${path}${name}`;
    if (this.db.prepare("SELECT 1 FROM policies WHERE name = ? COLLATE NOCASE").get(name)) {
      throw alreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
    }
    const now = new Date().toISOString();
    const row: PolicyRow = {
      arn, name, path, policy_id: awsId("ANPA"), description: input.Description ?? null, default_version: "v1", next_version: 2,
      created: now, updated: now, tags: JSON.stringify(parseTags(input.Tags)),
    };
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO policies VALUES (@arn, @name, @path, @policy_id, @description, @default_version, @next_version, @created, @updated, @tags)").run(row);
      this.db.prepare("INSERT INTO policy_versions VALUES (?, 'v1', ?, ?)").run(arn, doc, now);
    })();
    return { Policy: this.policyShape(row, true) };
  }

  GetPolicy(input: any) {
    const arn = String(input.PolicyArn);
    const managed = managedPolicy(arn);
    if (managed) return { Policy: this.managedShape(managed) };
    const row = this.customerPolicy(arn);
    if (!row) throw noSuchEntity(`Policy ${arn} was not found.`);
    return { Policy: this.policyShape(row, true) };
  }

  GetPolicyVersion(input: any) {
    const arn = String(input.PolicyArn);
    const versionId = String(input.VersionId);
    const managed = managedPolicy(arn);
    if (managed) {
      if (versionId !== managed.versionId) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
      return { PolicyVersion: { Document: encodeDoc(JSON.stringify(managed.document)), VersionId: versionId, IsDefaultVersion: true, CreateDate: new Date(managed.updated) } };
    }
    const row = this.customerPolicy(arn);
    if (!row) throw noSuchEntity(`Policy ${arn} was not found.`);
    const v = this.db.prepare("SELECT * FROM policy_versions WHERE arn = ? AND version_id = ?").get(arn, versionId) as { document: string; created: string } | undefined;
    if (!v) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
    return { PolicyVersion: { Document: encodeDoc(v.document), VersionId: versionId, IsDefaultVersion: row.default_version === versionId, CreateDate: new Date(v.created) } };
  }

  CreatePolicyVersion(input: any) {
    const arn = String(input.PolicyArn);
    const doc = String(input.PolicyDocument);
    const row = this.customerPolicy(arn);
    if (!row) throw noSuchEntity(`Policy ${arn} was not found.`);
    checkDocument(doc, "identity");
    if (policySize(doc) > MANAGED_POLICY_MAX) throw new AwsError("LimitExceeded", `Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX}`, 409);
    const count = (this.db.prepare("SELECT COUNT(*) AS n FROM policy_versions WHERE arn = ?").get(arn) as { n: number }).n;
    if (count >= 5) throw new AwsError("LimitExceeded", `A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.`, 409);
    const versionId = `v${row.next_version}`;
    const now = new Date().toISOString();
    const setDefault = input.SetAsDefault === true || input.SetAsDefault === "true";
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO policy_versions VALUES (?, ?, ?, ?)").run(arn, versionId, doc, now);
      this.db.prepare("UPDATE policies SET next_version = next_version + 1, updated = ? WHERE arn = ?").run(now, arn);
      if (setDefault) this.db.prepare("UPDATE policies SET default_version = ? WHERE arn = ?").run(versionId, arn);
    })();
    return { PolicyVersion: { VersionId: versionId, IsDefaultVersion: setDefault, CreateDate: new Date(now) } };
  }

  ListPolicyVersions(input: any) {
    const arn = String(input.PolicyArn);
    const managed = managedPolicy(arn);
    if (managed) {
      return { Versions: [{ VersionId: managed.versionId, IsDefaultVersion: true, CreateDate: new Date(managed.updated) }], IsTruncated: false };
    }
    const row = this.customerPolicy(arn);
    if (!row) throw noSuchEntity(`Policy ${arn} was not found.`);
    const versions = this.db.prepare("SELECT version_id, created FROM policy_versions WHERE arn = ? ORDER BY CAST(SUBSTR(version_id, 2) AS INTEGER) DESC").all(arn) as { version_id: string; created: string }[];
    return {
      Versions: versions.map((v) => ({ VersionId: v.version_id, IsDefaultVersion: v.version_id === row.default_version, CreateDate: new Date(v.created) })),
      IsTruncated: false,
    };
  }

  SetDefaultPolicyVersion(input: any) {
    const arn = String(input.PolicyArn);
    const versionId = String(input.VersionId);
    const row = this.customerPolicy(arn);
    if (!row) throw noSuchEntity(`Policy ${arn} was not found.`);
    if (!this.db.prepare("SELECT 1 FROM policy_versions WHERE arn = ? AND version_id = ?").get(arn, versionId)) {
      throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
    }
    this.db.prepare("UPDATE policies SET default_version = ?, updated = ? WHERE arn = ?").run(versionId, new Date().toISOString(), arn);
    return {};
  }

  DeletePolicyVersion(input: any) {
    const arn = String(input.PolicyArn);
    const versionId = String(input.VersionId);
    const row = this.customerPolicy(arn);
    if (!row) throw noSuchEntity(`Policy ${arn} was not found.`);
    if (row.default_version === versionId) throw deleteConflict("Cannot delete the default version of a policy.");
    const res = this.db.prepare("DELETE FROM policy_versions WHERE arn = ? AND version_id = ?").run(arn, versionId);
    if (res.changes === 0) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
    return {};
  }

  DeletePolicy(input: any) {
    const arn = String(input.PolicyArn);
    if (isAwsManagedArn(arn)) throw new AwsError("AccessDenied", "Cannot delete AWS managed policy", 403);
    if (!this.customerPolicy(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
    if (this.attachmentCount(arn) > 0) throw deleteConflict("Cannot delete a policy attached to entities.");
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM policy_versions WHERE arn = ?").run(arn);
      this.db.prepare("DELETE FROM policies WHERE arn = ?").run(arn);
    })();
    return {};
  }

  ListPolicies(input: any) {
    const scope = input?.Scope ?? "All";
    const onlyAttached = input?.OnlyAttached === true || input?.OnlyAttached === "true";
    const prefix = input?.PathPrefix ?? "/";
    let all: ReturnType<IamOperations["managedShape"]>[] = [];
    if (scope === "All" || scope === "AWS") all.push(...MANAGED_POLICIES.map((p) => this.managedShape(p)));
    if (scope === "All" || scope === "Local") {
      all.push(...(this.db.prepare("SELECT * FROM policies ORDER BY name").all() as PolicyRow[]).map((r) => this.policyShape(r, false) as any));
    }
    all = all.filter((p) => p.Path.startsWith(prefix) && (!onlyAttached || p.AttachmentCount > 0));
    const p = page(all, input);
    return { Policies: p.items, IsTruncated: p.IsTruncated, ...(p.Marker ? { Marker: p.Marker } : {}) };
  }

  AttachRolePolicy(input: any) {
    const role = this.role(String(input.RoleName));
    const arn = String(input.PolicyArn);
    if (!managedPolicy(arn) && !this.customerPolicy(arn)) throw this.policyNotFound(arn);
    this.db.prepare("INSERT OR IGNORE INTO role_attachments VALUES (?, ?)").run(role.name, arn);
    return {};
  }

  DetachRolePolicy(input: any) {
    const role = this.role(String(input.RoleName));
    const arn = String(input.PolicyArn);
    const res = this.db.prepare("DELETE FROM role_attachments WHERE role_name = ? AND policy_arn = ?").run(role.name, arn);
    if (res.changes === 0) throw noSuchEntity(`Policy ${arn} was not found.`);
    return {};
  }

  ListAttachedRolePolicies(input: any) {
    const role = this.role(String(input.RoleName));
    const prefix = input?.PathPrefix ?? "/";
    const arns = (this.db.prepare("SELECT policy_arn FROM role_attachments WHERE role_name = ? ORDER BY policy_arn").all(role.name) as { policy_arn: string }[]).map((r) => r.policy_arn);
    const attached = arns
      .map((arn) => {
        const m = managedPolicy(arn);
        if (m) return { PolicyName: m.name, PolicyArn: arn, path: m.path };
        const c = this.customerPolicy(arn);
        return c ? { PolicyName: c.name, PolicyArn: arn, path: c.path } : undefined;
      })
      .filter((x): x is { PolicyName: string; PolicyArn: string; path: string } => !!x && x.path.startsWith(prefix))
      .map(({ PolicyName, PolicyArn }) => ({ PolicyName, PolicyArn }));
    const p = page(attached, input);
    return { AttachedPolicies: p.items, IsTruncated: p.IsTruncated, ...(p.Marker ? { Marker: p.Marker } : {}) };
  }

  /** Every policy document in force for a role: inline ones and the default version of each attached one. */
  policyDocumentsForRole(roleArn: string): string[] | undefined {
    const role = this.roleByArn(roleArn);
    if (!role) return undefined;
    const docs = (this.db.prepare("SELECT document FROM role_policies WHERE role_name = ?").all(role.name) as { document: string }[]).map((r) => r.document);
    const arns = this.db.prepare("SELECT policy_arn FROM role_attachments WHERE role_name = ?").all(role.name) as { policy_arn: string }[];
    for (const { policy_arn } of arns) {
      const m = managedPolicy(policy_arn);
      if (m) {
        docs.push(JSON.stringify(m.document));
        continue;
      }
      const v = this.db.prepare("SELECT v.document FROM policies p JOIN policy_versions v ON v.arn = p.arn AND v.version_id = p.default_version WHERE p.arn = ?").get(policy_arn) as { document: string } | undefined;
      if (v) docs.push(v.document);
    }
    return docs;
  }
}
