/**
 * ParameterFilters (DescribeParameters, GetParametersByPath) and the legacy Filters
 * of DescribeParameters, applied to stored parameters.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ParameterVersionRow } from "./store.js";

export interface FilterTarget {
  row: ParameterVersionRow;
  tags: Array<{ Key: string; Value: string }>;
  labels: string[];
}

interface ParameterFilter {
  Key: string;
  Option?: string;
  Values?: string[];
}

const KNOWN_KEYS = new Set(["Name", "Type", "KeyId", "Path", "Tier", "DataType", "Label"]);

function bad(message: string): AwsError {
  return new AwsError("InvalidFilterKey", message, 400);
}

export function validateParameterFilters(filters: unknown, forPath: boolean): ParameterFilter[] {
  if (filters === undefined || filters === null) return [];
  if (!Array.isArray(filters)) throw new AwsError("ValidationException", "ParameterFilters must be a list", 400);
  return filters.map((f: any) => {
    const key = String(f?.Key ?? "");
    if (!KNOWN_KEYS.has(key) && !key.startsWith("tag:")) throw bad(`The following filter key is not valid: ${key}. Valid filter keys include: [Path, Name, Type, KeyId, Tier, Label, DataType].`);
    if (forPath && (key === "Name" || key === "Path" || key === "Tier")) {
      throw new AwsError("InvalidFilterKey", `The following filter key is not valid: ${key}. Valid filter keys include: [Type, KeyId].`, 400);
    }
    const option = f?.Option ?? (key === "Path" ? "OneLevel" : "Equals");
    const allowed = key === "Name" ? ["Equals", "BeginsWith", "Contains"] : key === "Path" ? ["Recursive", "OneLevel"] : key.startsWith("tag:") ? ["Equals"] : ["Equals", "BeginsWith"];
    if (!allowed.includes(option)) throw new AwsError("InvalidFilterOption", `The filter option '${option}' is not valid for key '${key}'. Valid options: [${allowed.join(", ")}].`, 400);
    const values = Array.isArray(f?.Values) ? f.Values.map(String) : [];
    if (values.length === 0 && !key.startsWith("tag:")) throw new AwsError("InvalidFilterValue", `The filter values for key '${key}' must not be empty.`, 400);
    return { Key: key, Option: option, Values: values };
  });
}

function matchString(option: string, actual: string, values: string[]): boolean {
  if (option === "BeginsWith") return values.some((v) => actual.startsWith(v));
  if (option === "Contains") return values.some((v) => actual.includes(v));
  return values.includes(actual);
}

function underPath(name: string, path: string, recursive: boolean): boolean {
  const prefix = path.endsWith("/") ? path : `${path}/`;
  if (!name.startsWith(prefix)) return false;
  return recursive || !name.slice(prefix.length).includes("/");
}

export function matchesFilters(t: FilterTarget, filters: ParameterFilter[]): boolean {
  return filters.every((f) => {
    const values = f.Values ?? [];
    const option = f.Option ?? "Equals";
    switch (f.Key) {
      case "Name": {
        // Names are compared without the leading slash ambiguity: "/a" and "a" differ.
        const name = t.row.name;
        const alt = values.map((v) => (option === "Equals" || option === "BeginsWith") && !v.startsWith("/") && name.startsWith("/") ? `/${v}` : v);
        return matchString(option, name, values) || matchString(option, name, alt);
      }
      case "Type": return matchString(option, t.row.type, values);
      case "KeyId": return t.row.key_id !== null && matchString(option, t.row.key_id, values);
      case "Tier": return matchString(option, t.row.tier, values);
      case "DataType": return matchString(option, t.row.data_type, values);
      case "Label": return t.labels.some((l) => matchString(option, l, values));
      case "Path": return values.some((p) => underPath(t.row.name, p, option === "Recursive"));
      default: {
        const tagKey = f.Key.slice(4);
        const tag = t.tags.find((x) => x.Key === tagKey);
        return tag !== undefined && (values.length === 0 || values.includes(tag.Value));
      }
    }
  });
}

/** The legacy `Filters` of DescribeParameters: Name (prefix), Type, KeyId. */
export function legacyFilters(filters: unknown): ParameterFilter[] {
  if (!Array.isArray(filters)) return [];
  return filters.map((f: any) => {
    const key = String(f?.Key ?? "");
    if (!["Name", "Type", "KeyId"].includes(key)) throw bad(`The following filter key is not valid: ${key}. Valid filter keys include: [Name, Type, KeyId].`);
    return { Key: key, Option: key === "Name" ? "BeginsWith" : "Equals", Values: (f?.Values ?? []).map(String) };
  });
}

export { underPath };
