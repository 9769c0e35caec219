/**
 * SST v2's id rules, checked when the app finishes: a bindable construct's id starts
 * with a letter and holds only letters, digits, "-" and "_"; two constructs of one type
 * may not share an id, nor differ only by "-" versus "_" (their SST_* variables and SSM
 * paths would collide). Config.Secret and Config.Parameter share one namespace.
 */
import type { IConstruct } from "constructs";
import { isSSTConstruct } from "./binding.js";

export function checkUniqueConstructIds(root: IConstruct): void {
  const ids: Record<string, Record<string, string>> = {};
  for (const c of root.node.findAll()) {
    if (!isSSTConstruct(c) || c._doNotAllowOthersToBind) continue;
    const type = c.constructType;
    const id = c.id;
    const normId = id.replace(/-/g, "_");
    if (!/^[a-zA-Z][a-zA-Z0-9-_]*$/.test(id)) {
      throw new Error(
        `Invalid id "${id}" for ${type} construct. Construct ids can only contain alphabetic characters, hyphens ("-"), and underscores ("_"), and must start with an alphabetic character.`,
      );
    }
    const existing = (ids[type] ??= {});
    if (type === "Parameter" || type === "Secret") {
      const other = ids.Secret?.[normId] ?? ids.Parameter?.[normId];
      if (other === id) throw new Error(`ERROR: Config with id "${id}" already exists.`);
      if (other) throw new Error(`ERROR: You cannot have the same Config id with an underscore and hyphen: "${other}" and "${id}".`);
    } else if (existing[normId]) {
      throw new Error(
        existing[normId] === id
          ? `${type} with id "${id}" already exists. Constructs of one type need unique ids; to keep an existing CloudFormation id, pick a unique id and set "cdk.id" to the old one.`
          : `You cannot have the same ${type} id with an underscore and hyphen: "${existing[normId]}" and "${id}".`,
      );
    }
    existing[normId] = id;
  }
}
