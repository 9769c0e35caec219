/**
 * Parameter Store operations in AWS API shape. (Their IAM checks are declared with
 * them in api.ts and made before they run.)
 */
import type Database from "better-sqlite3";
import { boundedTest } from "../../limits/bounded-regex.js";
import { AwsError } from "../../server/aws-error.js";
import type { CallContext } from "../../types.js";
import { violationMessage } from "../../wire/constraints.js";
import { legacyFilters, matchesFilters, underPath, validateParameterFilters, type FilterTarget } from "./filters.js";
import { invalidLabel, nameFromArnOrName, parameterArn, parseSelector, validateName, validatePath } from "./names.js";
import { pageByName } from "./paging.js";
import type { SecureStringCipher } from "./secure-string.js";
import { migrateSsm, type ParameterRow, type ParameterVersionRow } from "./store.js";

type Tag = { Key: string; Value: string };

export interface SsmDeps {
  db: Database.Database;
  cipher: SecureStringCipher;
  changed(name: string): void;
}

const DATA_TYPES = new Set(["text", "aws:ec2:image", "aws:ssm:integration"]);
const DEFAULT_KEY = "alias/aws/ssm";
const MAX_VERSIONS = 100;
const STANDARD_MAX = 4096;
const ADVANCED_MAX = 8192;

const notFound = () => new AwsError("ParameterNotFound", "", 400);
const validation = (message: string) => new AwsError("ValidationException", message, 400);
const truthy = (v: unknown) => v === true || v === "true";

export class SsmOperations {
  private readonly db: Database.Database;

  constructor(private readonly deps: SsmDeps) {
    this.db = deps.db;
    migrateSsm(this.db);
  }

  // ---- reading stored state ----

  private head(name: string): ParameterRow | undefined {
    return this.db.prepare("SELECT * FROM parameters WHERE name = ?").get(name) as ParameterRow | undefined;
  }

  private versionRow(name: string, version: number): ParameterVersionRow | undefined {
    return this.db.prepare("SELECT * FROM parameter_versions WHERE name = ? AND version = ?").get(name, version) as ParameterVersionRow | undefined;
  }

  private current(name: string): ParameterVersionRow | undefined {
    const head = this.head(name);
    return head ? this.versionRow(name, head.version) : undefined;
  }

  private allCurrent(): Array<FilterTarget> {
    const rows = this.db.prepare(
      "SELECT v.*, p.tags AS head_tags FROM parameters p JOIN parameter_versions v ON v.name = p.name AND v.version = p.version ORDER BY p.name",
    ).all() as Array<ParameterVersionRow & { head_tags: string }>;
    return rows.map((r) => ({ row: r, tags: JSON.parse(r.head_tags), labels: this.allLabels(r.name) }));
  }

  private allLabels(name: string): string[] {
    const rows = this.db.prepare("SELECT labels FROM parameter_versions WHERE name = ?").all(name) as { labels: string }[];
    return rows.flatMap((r) => JSON.parse(r.labels) as string[]);
  }

  /** The version a selector names ("name", "name:3", "name:label"). */
  private resolve(raw: string): { row: ParameterVersionRow; selector?: string } {
    const sel = parseSelector(raw);
    const head = this.head(sel.name);
    if (!head) throw notFound();
    if (sel.version !== undefined) {
      const row = this.versionRow(sel.name, sel.version);
      if (!row) throw new AwsError("ParameterVersionNotFound", `Systems Manager could not find version ${sel.version} of ${sel.name}. Verify the version and try again.`, 400);
      return { row, selector: sel.selector };
    }
    if (sel.label !== undefined) {
      const rows = this.db.prepare("SELECT * FROM parameter_versions WHERE name = ?").all(sel.name) as ParameterVersionRow[];
      const row = rows.find((r) => (JSON.parse(r.labels) as string[]).includes(sel.label!));
      if (!row) throw new AwsError("ParameterVersionNotFound", `Systems Manager could not find label ${sel.label} of ${sel.name}. Verify the label and try again.`, 400);
      return { row, selector: sel.selector };
    }
    return { row: this.versionRow(sel.name, head.version)! };
  }

  private value(row: ParameterVersionRow, decrypt: boolean): string {
    return row.type === "SecureString" && decrypt ? this.deps.cipher.decrypt(row.value, row.name) : row.value;
  }

  private parameterShape(row: ParameterVersionRow, decrypt: boolean, region: string, selector?: string) {
    return {
      Name: row.name,
      Type: row.type,
      Value: this.value(row, decrypt),
      Version: row.version,
      ...(selector ? { Selector: selector } : {}),
      LastModifiedDate: new Date(row.modified * 1000),
      ARN: parameterArn(region, row.name),
      DataType: row.data_type,
    };
  }

  private metadataShape(t: FilterTarget, region: string) {
    const r = t.row;
    return {
      Name: r.name,
      ARN: parameterArn(region, r.name),
      Type: r.type,
      ...(r.key_id ? { KeyId: r.key_id } : {}),
      LastModifiedDate: new Date(r.modified * 1000),
      LastModifiedUser: r.modified_user,
      ...(r.description ? { Description: r.description } : {}),
      ...(r.allowed_pattern ? { AllowedPattern: r.allowed_pattern } : {}),
      Version: r.version,
      Tier: r.tier,
      Policies: JSON.parse(r.policies),
      DataType: r.data_type,
    };
  }

  // ---- writes ----

  PutParameter(input: any, ctx: CallContext) {
    const name = validateName(input.Name, true);
    const value = input.Value;
    // The model states no minimum; Parameter Store refuses an empty value in the framework's words.
    if (value.length === 0) throw validation(violationMessage("", "value", "Member must have length greater than or equal to 1"));
    const existing = this.current(name);
    const overwrite = truthy(input.Overwrite);
    const tags = input.Tags;
    if (existing && overwrite && Array.isArray(tags) && tags.length > 0) {
      throw validation("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.");
    }
    if (existing && !overwrite) {
      throw new AwsError("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.", 400);
    }
    const type = input.Type ?? existing?.type;
    if (type === undefined) throw validation("A parameter type is required when you create a parameter.");
    const dataType = input.DataType ?? existing?.data_type ?? "text";
    if (!DATA_TYPES.has(dataType)) throw validation(`The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
    if (input.KeyId !== undefined && type !== "SecureString") throw validation("KeyId is required for SecureString type parameter only.");
    const policies = input.Policies !== undefined ? parsePolicies(input.Policies) : existing ? JSON.parse(existing.policies) : [];
    const tier = this.pickTier(input.Tier, existing, value, policies.length > 0);
    if (tier === "Standard" && value.length > STANDARD_MAX) {
      throw validation(
        "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html",
      );
    }
    if (value.length > ADVANCED_MAX) throw validation("Advanced tier parameters support a maximum parameter value of 8192 characters.");
    if (tier === "Standard" && policies.length > 0) throw validation("Parameter policies are supported only for advanced-tier parameters.");
    const pattern = input.AllowedPattern ?? null;
    if (pattern !== null) {
      let re: RegExp;
      try {
        re = new RegExp(pattern);
      } catch {
        throw validation(`Parameter AllowedPattern, ${pattern}, is not a valid regular expression.`);
      }
      // The caller's own regular expression: run with a time budget (limits/bounded-regex.ts).
      if (boundedTest(re, value) !== true) throw new AwsError("ParameterPatternMismatchException", `Parameter value, cannot be validated against allowedPattern: ${pattern}`, 400);
    }
    const tagList = parseTagList(tags ?? []);
    const version = (existing?.version ?? 0) + 1;
    const row: ParameterVersionRow = {
      name,
      version,
      type,
      value: type === "SecureString" ? this.deps.cipher.encrypt(value, name) : value,
      key_id: type === "SecureString" ? String(input.KeyId ?? (existing?.type === "SecureString" ? existing.key_id : null) ?? DEFAULT_KEY) : null,
      description: input.Description ?? existing?.description ?? null,
      allowed_pattern: pattern ?? existing?.allowed_pattern ?? null,
      tier,
      data_type: dataType,
      policies: JSON.stringify(policies),
      labels: "[]",
      modified: Date.now() / 1000,
      modified_user: ctx.principal.arn,
    };
    this.db.transaction(() => {
      this.trimHistory(name);
      this.db.prepare(
        "INSERT INTO parameter_versions VALUES (@name, @version, @type, @value, @key_id, @description, @allowed_pattern, @tier, @data_type, @policies, @labels, @modified, @modified_user)",
      ).run(row);
      if (existing) this.db.prepare("UPDATE parameters SET version = ? WHERE name = ?").run(version, name);
      else this.db.prepare("INSERT INTO parameters VALUES (?, ?, ?)").run(name, version, JSON.stringify(tagList));
    })();
    this.deps.changed(name);
    return { Version: version, Tier: tier };
  }

  private pickTier(requested: unknown, existing: ParameterVersionRow | undefined, value: string, hasPolicies: boolean): "Standard" | "Advanced" {
    if (requested === "Intelligent-Tiering") {
      return existing?.tier === "Advanced" || value.length > STANDARD_MAX || hasPolicies ? "Advanced" : "Standard";
    }
    const tier = (requested as "Standard" | "Advanced" | undefined) ?? existing?.tier ?? "Standard";
    if (existing?.tier === "Advanced" && tier === "Standard") {
      throw validation(
        "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
      );
    }
    return tier;
  }

  /** AWS keeps 100 versions; the oldest goes unless a label pins it. */
  private trimHistory(name: string): void {
    const versions = this.db.prepare("SELECT version, labels FROM parameter_versions WHERE name = ? ORDER BY version").all(name) as { version: number; labels: string }[];
    if (versions.length < MAX_VERSIONS) return;
    const oldest = versions[0]!;
    if ((JSON.parse(oldest.labels) as string[]).length > 0) {
      throw new AwsError(
        "ParameterMaxVersionLimitExceeded",
        `You attempted to create a new version of ${name} by calling the PutParameter API with the overwrite flag. Version ${oldest.version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
        400,
      );
    }
    this.db.prepare("DELETE FROM parameter_versions WHERE name = ? AND version = ?").run(name, oldest.version);
  }

  DeleteParameter(input: any, ctx: CallContext) {
    const name = validateName(input.Name, false);
    if (!this.head(name)) throw notFound();
    this.remove(name);
    return {};
  }

  DeleteParameters(input: any, ctx: CallContext) {
    const names: string[] = input.Names;
    const deleted: string[] = [];
    const invalid: string[] = [];
    for (const n of names.map(String)) {
      if (this.head(n)) {
        this.remove(n);
        deleted.push(n);
      } else invalid.push(n);
    }
    return { DeletedParameters: deleted, InvalidParameters: invalid };
  }

  private remove(name: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM parameter_versions WHERE name = ?").run(name);
      this.db.prepare("DELETE FROM parameters WHERE name = ?").run(name);
    })();
    this.deps.changed(name);
  }

  LabelParameterVersion(input: any, ctx: CallContext) {
    const name = validateName(nameFromArnOrName(String(input.Name ?? "")), false);
    const head = this.head(name);
    if (!head) throw notFound();
    const version = input.ParameterVersion === undefined ? head.version : Number(input.ParameterVersion);
    const row = this.versionRow(name, version);
    if (!row) throw new AwsError("ParameterVersionNotFound", `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`, 400);
    const labels: string[] = Array.isArray(input.Labels) ? input.Labels.map(String) : [];
    const invalid = labels.filter(invalidLabel);
    const valid = labels.filter((l) => !invalidLabel(l));
    const current = JSON.parse(row.labels) as string[];
    const merged = [...new Set([...current, ...valid])];
    if (merged.length > 10) {
      throw new AwsError("ParameterVersionLabelLimitExceeded", "An error occurred when labeling parameter version. A parameter version can have maximum 10 labels.", 400);
    }
    this.db.transaction(() => {
      // A label names one version: attaching it here moves it off any other version.
      const others = this.db.prepare("SELECT version, labels FROM parameter_versions WHERE name = ? AND version != ?").all(name, version) as { version: number; labels: string }[];
      for (const o of others) {
        const kept = (JSON.parse(o.labels) as string[]).filter((l) => !valid.includes(l));
        this.db.prepare("UPDATE parameter_versions SET labels = ? WHERE name = ? AND version = ?").run(JSON.stringify(kept), name, o.version);
      }
      this.db.prepare("UPDATE parameter_versions SET labels = ? WHERE name = ? AND version = ?").run(JSON.stringify(merged), name, version);
    })();
    return { InvalidLabels: invalid, ParameterVersion: version };
  }

  // ---- reads ----

  GetParameter(input: any, ctx: CallContext) {
    const raw = String(input.Name ?? "");
    const sel = parseSelector(raw);
    validateName(sel.name, false);
    const { row, selector } = this.resolve(raw);
    return { Parameter: this.parameterShape(row, truthy(input.WithDecryption), ctx.region, selector) };
  }

  GetParameters(input: any, ctx: CallContext) {
    const names: string[] = input.Names;
    const selectors = names.map((n: unknown) => parseSelector(String(n)));
    const parameters: unknown[] = [];
    const invalid: string[] = [];
    const seen = new Set<string>();
    for (const raw of names.map(String)) {
      if (seen.has(raw)) continue;
      seen.add(raw);
      try {
        const { row, selector } = this.resolve(raw);
        parameters.push(this.parameterShape(row, truthy(input.WithDecryption), ctx.region, selector));
      } catch (err) {
        if (err instanceof AwsError && (err.code === "ParameterNotFound" || err.code === "ParameterVersionNotFound")) invalid.push(raw);
        else throw err;
      }
    }
    return { Parameters: parameters, InvalidParameters: invalid };
  }

  GetParametersByPath(input: any, ctx: CallContext) {
    const path = validatePath(input.Path);
    const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    const max = input.MaxResults ?? 10;
    const filters = validateParameterFilters(input.ParameterFilters, true);
    const recursive = truthy(input.Recursive);
    const matching = this.allCurrent().filter((t) => underPath(t.row.name, path, recursive) && matchesFilters(t, filters));
    const page = pageByName(matching, (t) => t.row.name, max, input.NextToken);
    const decrypt = truthy(input.WithDecryption);
    return { Parameters: page.items.map((t) => this.parameterShape(t.row, decrypt, ctx.region)), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
  }

  DescribeParameters(input: any, ctx: CallContext) {
    if (input.Filters !== undefined && input.ParameterFilters !== undefined) {
      throw validation("You can use either Filters or ParameterFilters in a single request.");
    }
    const filters = input.Filters !== undefined ? legacyFilters(input.Filters) : validateParameterFilters(input.ParameterFilters, false);
    const max = input.MaxResults ?? 50;
    const matching = this.allCurrent().filter((t) => matchesFilters(t, filters));
    const page = pageByName(matching, (t) => t.row.name, max, input.NextToken);
    return { Parameters: page.items.map((t) => this.metadataShape(t, ctx.region)), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
  }

  GetParameterHistory(input: any, ctx: CallContext) {
    const name = validateName(nameFromArnOrName(String(input.Name ?? "")), false);
    if (!this.head(name)) throw notFound();
    const max = input.MaxResults ?? 50;
    const rows = this.db.prepare("SELECT * FROM parameter_versions WHERE name = ? ORDER BY version").all(name) as ParameterVersionRow[];
    const decrypt = truthy(input.WithDecryption);
    // Versions are paged by number; pad so that the name-ordered pager orders them numerically.
    const page = pageByName(rows, (r) => String(r.version).padStart(10, "0"), max, input.NextToken);
    return {
      Parameters: page.items.map((r) => ({
        Name: r.name,
        Type: r.type,
        ...(r.key_id ? { KeyId: r.key_id } : {}),
        LastModifiedDate: new Date(r.modified * 1000),
        LastModifiedUser: r.modified_user,
        ...(r.description ? { Description: r.description } : {}),
        Value: this.value(r, decrypt),
        ...(r.allowed_pattern ? { AllowedPattern: r.allowed_pattern } : {}),
        Version: r.version,
        Labels: JSON.parse(r.labels),
        Tier: r.tier,
        Policies: JSON.parse(r.policies),
        DataType: r.data_type,
      })),
      ...(page.NextToken ? { NextToken: page.NextToken } : {}),
    };
  }

  // ---- tags ----

  private taggable(input: any, ctx: CallContext, action: string): ParameterRow {
    if (input.ResourceType !== "Parameter") {
      if (["Document", "ManagedInstance", "MaintenanceWindow", "PatchBaseline", "OpsItem", "OpsMetadata", "Automation", "Association"].includes(input.ResourceType)) {
        throw new AwsError("InvalidResourceId", "", 400);
      }
      throw new AwsError("InvalidResourceType", "", 400);
    }
    const name = nameFromArnOrName(String(input.ResourceId ?? ""));
    const head = this.head(name);
    if (!head) throw new AwsError("InvalidResourceId", "", 400);
    return head;
  }

  AddTagsToResource(input: any, ctx: CallContext) {
    const head = this.taggable(input, ctx, "ssm:AddTagsToResource");
    const map = new Map((JSON.parse(head.tags) as Tag[]).map((t) => [t.Key, t.Value]));
    for (const t of parseTagList(input.Tags ?? [])) map.set(t.Key, t.Value);
    if (map.size > 50) throw new AwsError("TooManyTagsError", "", 400);
    this.db.prepare("UPDATE parameters SET tags = ? WHERE name = ?").run(JSON.stringify([...map].map(([Key, Value]) => ({ Key, Value }))), head.name);
    return {};
  }

  RemoveTagsFromResource(input: any, ctx: CallContext) {
    const head = this.taggable(input, ctx, "ssm:RemoveTagsFromResource");
    const remove = new Set<string>((input.TagKeys ?? []).map(String));
    const tags = (JSON.parse(head.tags) as Tag[]).filter((t) => !remove.has(t.Key));
    this.db.prepare("UPDATE parameters SET tags = ? WHERE name = ?").run(JSON.stringify(tags), head.name);
    return {};
  }

  ListTagsForResource(input: any, ctx: CallContext) {
    const head = this.taggable(input, ctx, "ssm:ListTagsForResource");
    return { TagList: JSON.parse(head.tags) as Tag[] };
  }
}

function parseTagList(tags: unknown): Tag[] {
  if (!Array.isArray(tags)) throw validation("Tags must be a list");
  if (tags.length > 50) throw new AwsError("TooManyTagsError", "", 400);
  return tags.map((t: any) => {
    return { Key: t.Key, Value: String(t.Value ?? "") };
  });
}

/** Parameter policies (Expiration, ExpirationNotification, NoChangeNotification), kept as given. */
function parsePolicies(text: unknown): Array<{ PolicyText: string; PolicyType: string; PolicyStatus: string }> {
  if (typeof text !== "string" || text.trim() === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsError("InvalidPolicyAttributeException", "A policy attribute or its value is invalid.", 400);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((p: any) => {
    if (!p || typeof p.Type !== "string") throw new AwsError("InvalidPolicyTypeException", "The policy type is not supported. Parameter Store supports the following policy types: Expiration, ExpirationNotification, and NoChangeNotification.", 400);
    return { PolicyText: JSON.stringify(p), PolicyType: p.Type, PolicyStatus: "Pending" };
  });
}
