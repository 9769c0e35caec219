/**
 * User attributes against a pool's schema: the standard attributes every pool has, the
 * custom ones its Schema adds ("custom:<name>"), which are required, which are mutable,
 * and the "Attributes did not conform to the schema" errors Cognito answers with.
 */
import { invalidParameter } from "./errors.js";

export interface SchemaAttribute {
  Name: string;
  AttributeDataType?: string;
  DeveloperOnlyAttribute?: boolean;
  Mutable?: boolean;
  Required?: boolean;
  StringAttributeConstraints?: { MinLength?: string; MaxLength?: string };
  NumberAttributeConstraints?: { MinValue?: string; MaxValue?: string };
}

export type Attributes = Record<string, string>;

const STANDARD: Array<[string, string]> = [
  ["sub", "String"], ["name", "String"], ["given_name", "String"], ["family_name", "String"], ["middle_name", "String"], ["nickname", "String"],
  ["preferred_username", "String"], ["profile", "String"], ["picture", "String"], ["website", "String"], ["email", "String"], ["email_verified", "Boolean"],
  ["gender", "String"], ["birthdate", "String"], ["zoneinfo", "String"], ["locale", "String"], ["phone_number", "String"], ["phone_number_verified", "Boolean"],
  ["address", "String"], ["updated_at", "Number"], ["identities", "String"],
];

/** The pool's SchemaAttributes as DescribeUserPool lists them: standard ones (adjusted by Schema), then custom ones. */
export function poolSchema(schema: SchemaAttribute[] | undefined): SchemaAttribute[] {
  const given = new Map((schema ?? []).map((a) => [a.Name, a]));
  const out: SchemaAttribute[] = STANDARD.map(([name, type]) => {
    const own = given.get(name);
    const base: SchemaAttribute = {
      Name: name, AttributeDataType: type, DeveloperOnlyAttribute: false, Mutable: name !== "sub", Required: name === "sub",
      ...(type === "String" ? { StringAttributeConstraints: { MinLength: name === "sub" ? "1" : "0", MaxLength: name === "sub" ? "2048" : "2048" } } : {}),
      ...(type === "Number" ? { NumberAttributeConstraints: { MinValue: "0" } } : {}),
    };
    return own ? { ...base, ...stripUndefined(own), Name: name } : base;
  });
  const standardNames = new Set(STANDARD.map(([n]) => n));
  for (const a of schema ?? []) {
    if (standardNames.has(a.Name) || a.Name.startsWith("custom:") && standardNames.has(a.Name.slice(7))) continue;
    const name = a.Name.startsWith("custom:") ? a.Name : `custom:${a.Name}`;
    out.push({ AttributeDataType: "String", DeveloperOnlyAttribute: false, Mutable: true, Required: false, ...stripUndefined(a), Name: name });
  }
  return out;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function toAttributes(list: { Name?: string; Value?: string }[] | undefined): Attributes {
  const out: Attributes = {};
  for (const a of list ?? []) if (a.Name !== undefined) out[a.Name] = a.Value ?? "";
  return out;
}

export function toList(attributes: Attributes): { Name: string; Value: string }[] {
  return Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
}

function schemaError(problems: string[]): never {
  throw invalidParameter(`Attributes did not conform to the schema: ${problems.join(", ")}`);
}

/**
 * Checks attributes a user sets: each must be in the schema, writable (sub never), of
 * its type and length, and (for a new user, `requireAll`) every required one present.
 */
export function checkAttributes(given: Attributes, schema: SchemaAttribute[], opts: { requireAll: boolean; existing?: Attributes }): void {
  const byName = new Map(schema.map((a) => [a.Name, a]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    const attr = byName.get(name);
    if (!attr || attr.DeveloperOnlyAttribute) {
      problems.push(`${name}: Attribute does not exist in the schema.\n`);
      continue;
    }
    if (name === "sub") {
      problems.push(`${name}: Attribute cannot be updated. (changing an immutable attribute)\n`);
      continue;
    }
    if (opts.existing && attr.Mutable === false && opts.existing[name] !== undefined && opts.existing[name] !== value) {
      problems.push(`${name}: Attribute cannot be updated. (changing an immutable attribute)\n`);
      continue;
    }
    const max = Number(attr.StringAttributeConstraints?.MaxLength ?? 2048);
    if (value.length > max) problems.push(`${name}: String must be no longer than ${max} characters\n`);
    if (attr.AttributeDataType === "Number" && value !== "" && !Number.isFinite(Number(value))) problems.push(`${name}: Number expected\n`);
    if (attr.AttributeDataType === "Boolean" && value !== "true" && value !== "false") problems.push(`${name}: Boolean expected\n`);
  }
  if (problems.length) schemaError(problems);
  if (opts.requireAll) {
    const missing = schema.filter((a) => a.Required && a.Name !== "sub" && !(a.Name in given)).map((a) => `${a.Name}: The attribute ${a.Name} is required`);
    if (missing.length) schemaError(missing);
  }
}

/** "e***@e***", "+*******1234": how Cognito shows where a code went. */
export function maskDestination(attribute: string, value: string): string {
  if (attribute === "email") {
    const [local, domain] = value.split("@");
    return `${(local ?? "").slice(0, 1)}***@${(domain ?? "").slice(0, 1)}***`;
  }
  return `+${"*".repeat(Math.max(0, value.length - 5))}${value.slice(-4)}`;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^\+[0-9]{4,17}$/;

export function looksLikeEmail(value: string): boolean {
  return EMAIL.test(value);
}

export function looksLikePhone(value: string): boolean {
  return PHONE.test(value);
}
